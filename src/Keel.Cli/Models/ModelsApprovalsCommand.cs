using System.CommandLine;
using System.Globalization;
using Keel.Cli.Infrastructure;
using Keel.Core.Approvals;

namespace Keel.Cli.Models;

/// <summary>
/// <c>keel models approvals policy|request|approve|reject|cancel|list</c>: a model's approval policy
/// and its requests (docs/approvals.md), on a server or a local store alike.
/// </summary>
internal static class ModelsApprovalsCommand
{
    public static Command Create(GlobalOptions globals) => new("approvals", "Four-eyes promotion: a model's approval policy, and requests to put a version into production.")
    {
        Policy(globals),
        Request(globals),
        Decide(globals, "approve", "Approve a request (you cannot approve your own)."),
        Decide(globals, "reject", "Reject a request: one rejection is final."),
        Decide(globals, "cancel", "Withdraw your own request."),
        List(globals),
    };

    private static Command Policy(GlobalOptions globals)
    {
        var model = ModelsCommon.ModelArgument();
        var required = new Option<int?>("--required") { Description = "Approvals a request needs (1-10); setting any option sets the policy." };
        var lifetime = new Option<string?>("--lifetime") { Description = "How long a request stays usable: 3600, 90m, 12h, 7d (default 7d)." };
        var noStage = new Option<bool>("--no-stage") { Description = "Do not govern moves to the Production stage." };
        var noAliases = new Option<bool>("--no-aliases") { Description = "Do not govern the production and champion aliases." };
        var noDeployments = new Option<bool>("--no-deployments") { Description = "Do not govern deployments' promotions." };
        var delete = new Option<bool>("--delete") { Description = "Remove the policy: promotions need no approval." };
        var reason = ModelsCommon.ReasonOption();
        var command = new Command("policy", "Show a model's approval policy, set it (any option), or remove it (--delete).") { model, required, lifetime, noStage, noAliases, noDeployments, delete, reason };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var name = ModelReference.Parse(ctx.Parse.GetValue(model)!).Name;
            var actor = ModelsCommon.Actor(globals, ctx, ctx.Parse.GetValue(reason));
            var setting = ctx.Parse.GetValue(required) is not null || ctx.Parse.GetValue(lifetime) is not null
                || ctx.Parse.GetValue(noStage) || ctx.Parse.GetValue(noAliases) || ctx.Parse.GetValue(noDeployments);
            if (ctx.Parse.GetValue(delete))
            {
                if (setting)
                {
                    throw new UsageException("--delete takes no other policy option.");
                }

                await ctx.Store.Approvals.DeletePolicyAsync(name, actor, ct).ConfigureAwait(false);
                ctx.Output.WriteResult(new { name, policy = (ApprovalPolicy?)null }, _ => ctx.Output.WriteLine($"'{name}' has no approval policy now: its promotions need no approval."));
                return;
            }

            var policy = setting
                ? await ctx.Store.Approvals.SetPolicyAsync(
                    new ApprovalPolicy(
                        name,
                        ctx.Parse.GetValue(required) ?? 1,
                        ctx.Parse.GetValue(lifetime) is { } l ? Seconds(l) : ApprovalRules.DefaultLifetimeSeconds,
                        !ctx.Parse.GetValue(noStage),
                        !ctx.Parse.GetValue(noAliases),
                        !ctx.Parse.GetValue(noDeployments)),
                    actor,
                    ct).ConfigureAwait(false)
                : await ctx.Store.Approvals.GetPolicyAsync(name, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(new { name, policy }, r => ctx.Output.WriteLine(Describe(name, r.policy)));
        });
        return command;
    }

    private static Command Request(GlobalOptions globals)
    {
        var model = ModelsCommon.ModelArgument();
        var version = new Argument<string>("version") { Description = "The version to put into production." };
        var target = new Option<string>("--target", "-t")
        {
            Description = "What to approve: stage:Production, alias:production, alias:champion or deployment:NAME.",
            Required = true,
        };
        var reason = ModelsCommon.ReasonOption();
        var command = new Command("request", "Ask for approval to put a version into production (someone else must approve).") { model, version, target, reason };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var name = ModelReference.Parse(ctx.Parse.GetValue(model)!).Name;
            var made = await ctx.Store.Approvals.CreateRequestAsync(name, ctx.Parse.GetValue(version)!, ctx.Parse.GetValue(target)!, ModelsCommon.Actor(globals, ctx, ctx.Parse.GetValue(reason)), ct).ConfigureAwait(false);
            ctx.Output.WriteResult(made, r => ctx.Output.WriteLine(
                $"Request {r.Id}: version {r.Version} of '{r.Name}' → {r.Target}, {r.RequiredApprovals} approval(s) needed, expires {Formats.Time(r.ExpiresAt)} UTC. Approve with: keel models approvals approve {r.Name} {r.Id}"));
        });
        return command;
    }

    private static Command Decide(GlobalOptions globals, string verb, string description)
    {
        var model = ModelsCommon.ModelArgument();
        var id = new Argument<long>("id") { Description = "The request's number (keel models approvals list MODEL)." };
        var reason = ModelsCommon.ReasonOption();
        var command = new Command(verb, description) { model, id, reason };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var name = ModelReference.Parse(ctx.Parse.GetValue(model)!).Name;
            var actor = ModelsCommon.Actor(globals, ctx, ctx.Parse.GetValue(reason));
            var number = ctx.Parse.GetValue(id);
            var request = verb == "cancel"
                ? await ctx.Store.Approvals.CancelAsync(name, number, actor, ct).ConfigureAwait(false)
                : await ctx.Store.Approvals.DecideAsync(name, number, verb, actor, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(request, r => ctx.Output.WriteLine(Line(r)));
        });
        return command;
    }

    private static Command List(GlobalOptions globals)
    {
        var model = ModelsCommon.ModelArgument();
        var version = new Option<string?>("--version", "-v") { Description = "Only requests for this version." };
        var state = new Option<string?>("--state") { Description = "Only requests in this state: pending, approved, rejected, expired, used, cancelled." };
        var command = new Command("list", "List a model's approval requests, newest first.") { model, version, state };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var name = ModelReference.Parse(ctx.Parse.GetValue(model)!).Name;
            var requests = await ctx.Store.Approvals.ListRequestsAsync(name, ctx.Parse.GetValue(version), ctx.Parse.GetValue(state), ct).ConfigureAwait(false);
            ctx.Output.WriteResult(requests, list =>
            {
                if (list.Count == 0)
                {
                    ctx.Output.WriteLine($"No approval requests for '{name}'.");
                    return;
                }

                foreach (var r in list)
                {
                    ctx.Output.WriteLine(Line(r));
                }
            });
        });
        return command;
    }

    /// <summary>One request in a line: number, version, target, state, who asked, who decided.</summary>
    internal static string Line(ApprovalRequest r)
    {
        var decided = r.Decisions.Count == 0 ? "no decisions yet" : string.Join(", ", r.Decisions.Select(d => $"{d.User} {(d.Decision == ApprovalDecisions.Approve ? "approved" : "rejected")}"));
        return string.Create(CultureInfo.InvariantCulture, $"Request {r.Id}: version {r.Version} of '{r.Name}' → {r.Target}: {r.State} ({r.Approvers.Count()}/{r.RequiredApprovals}); asked by {r.Requester}; {decided}.");
    }

    private static string Describe(string name, ApprovalPolicy? p)
    {
        if (p is null)
        {
            return $"'{name}' has no approval policy: its promotions need no approval.";
        }

        var covers = new[] { (p.CoversStage, "the Production stage"), (p.CoversAliases, "the production/champion aliases"), (p.CoversDeployments, "deployments") }.Where(c => c.Item1).Select(c => c.Item2);
        return string.Create(CultureInfo.InvariantCulture, $"'{name}' needs {p.RequiredApprovals} approval(s) from someone other than the requester before a version enters production through {string.Join(", ", covers)}; a request lasts {p.LifetimeSeconds} s.");
    }

    /// <summary>Seconds from 3600, 90s, 90m, 12h or 7d.</summary>
    internal static long Seconds(string text)
    {
        var unit = text.Length > 0 ? char.ToLowerInvariant(text[^1]) : ' ';
        var (digits, factor) = unit switch
        {
            's' => (text[..^1], 1L),
            'm' => (text[..^1], 60L),
            'h' => (text[..^1], 3600L),
            'd' => (text[..^1], 86400L),
            _ => (text, 1L),
        };
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= long.MaxValue / factor
            ? n * factor
            : throw new UsageException($"--lifetime '{text}' is not a duration: give seconds (3600) or 90m, 12h, 7d.");
    }
}
