using System.CommandLine;
using System.Text;
using Keel.Cli.Infrastructure;
using Keel.Core.Monitoring;
using Keel.Monitoring.Alerts;

namespace Keel.Cli.Monitor;

/// <summary>
/// <c>keel monitor rules NAME|--all [--output FILE]</c>: the Prometheus alerting rules equivalent to
/// stored monitors' alert rules (<see cref="PrometheusAlertRules"/>), for teams that alert from
/// Prometheus. Works on a local store or a server.
/// </summary>
internal static class MonitorRulesCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = new Argument<string?>("model") { Description = "The registered model whose stored monitor to translate.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Every stored monitor, one rule group per model." };
        var output = new Option<FileInfo?>("--output") { Description = "Write the rules file here (default: standard output).", HelpName = "file" };
        var command = new Command("rules", "Write the Prometheus alerting rules equivalent to a model's monitor (or every monitor) over Keel's /metrics; the file passes promtool check rules.")
        {
            model, all, output,
        };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var name = ctx.Parse.GetValue(model);
            var every = ctx.Parse.GetValue(all);
            if (every == (name is not null))
            {
                throw new UsageException("Name a model, or give --all for every stored monitor (not both).");
            }

            var operations = ctx.Store.Monitoring();
            var specs = new List<MonitorSpec>();
            if (name is not null)
            {
                specs.Add((await operations.GetAsync(name, ct).ConfigureAwait(false)).Spec);
            }
            else
            {
                string? token = null;
                do
                {
                    var page = await operations.ListAsync(1000, token, ct).ConfigureAwait(false);
                    specs.AddRange(page.Items.Select(m => m.Spec));
                    token = page.NextPageToken;
                }
                while (token is not null);
            }

            var rules = PrometheusAlertRules.Write(specs);
            var count = specs.Sum(s => s.Rules?.Count ?? 0);
            var file = ctx.Parse.GetValue(output);
            if (file is not null)
            {
                await File.WriteAllTextAsync(file.FullName, rules, new UTF8Encoding(false), ct).ConfigureAwait(false);
            }

            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new RulesResult([.. specs.Select(s => s.Model!)], count, file?.FullName, file is null ? rules : null));
            }
            else if (file is not null)
            {
                ctx.Output.WriteLine($"Wrote {count} alerting rule(s) for {specs.Count} monitor(s) to {file.FullName}; check them with: promtool check rules {file.Name}");
            }
            else
            {
                ctx.Output.Out.Write(rules);
            }
        });
        return command;
    }

    /// <summary>What <c>--json</c> prints: the models, the rule count, and the file written or the rules themselves.</summary>
    private sealed record RulesResult(IReadOnlyList<string> Models, int Rules, string? File, string? Content);
}
