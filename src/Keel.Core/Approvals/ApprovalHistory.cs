using System.Globalization;
using Keel.Core.Protocol;
using Keel.Core.Registry;

namespace Keel.Core.Approvals;

/// <summary>
/// Who moved a version into a stage or onto an alias, and who approved that move, from the audit
/// trail: the move's own entry, and the <see cref="ApprovalEventKinds.Used"/> entry
/// <see cref="ApprovalRules.Gate"/> writes right before it in the same change (same timestamp).
/// </summary>
public static class ApprovalHistory
{
    /// <summary>The last move at or before <paramref name="at"/> that put each of <paramref name="versions"/> in <paramref name="stage"/> (or on <paramref name="alias"/>).</summary>
    public static async Task<IReadOnlyList<HeldAtMove>> MovesAsync(
        IRegistryStore registry, IApprovalStore? approvals, string name, string? stage, string? alias, long at, IReadOnlyList<string> versions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(versions);
        var moves = new List<HeldAtMove>();
        foreach (var version in versions)
        {
            var events = await EventsAsync(registry, name, version, at, cancellationToken).ConfigureAwait(false);
            var index = events.FindLastIndex(e => stage is not null
                ? e.Kind == RegistryEventKinds.StageTransition && e.To == stage
                : e.Kind == RegistryEventKinds.AliasSet && e.Target == alias);
            if (index < 0)
            {
                continue;
            }

            var move = events[index];
            var approvedBy = new List<string>();
            if (index > 0 && events[index - 1] is { Kind: ApprovalEventKinds.Used } used && used.Timestamp == move.Timestamp && approvals is not null
                && RequestId(used.Comment) is { } id)
            {
                approvedBy.AddRange((await approvals.GetRequestAsync(name, id, cancellationToken).ConfigureAwait(false)).Approvers);
            }

            moves.Add(new HeldAtMove(version, move.User, move.Timestamp, move.Comment, approvedBy));
        }

        return moves;
    }

    private static async Task<List<RegistryEvent>> EventsAsync(IRegistryStore registry, string name, string version, long at, CancellationToken cancellationToken)
    {
        var events = new List<RegistryEvent>();
        string? token = null;
        do
        {
            var page = await registry.ListEventsAsync(new RegistryEventQuery(name, version, To: at, PageToken: token), cancellationToken).ConfigureAwait(false);
            events.AddRange(page.Items);
            token = page.NextPageToken;
        }
        while (token is not null);
        return events.OrderBy(e => e.EventId).ToList();
    }

    /// <summary>The request an <see cref="ApprovalEventKinds.Used"/> entry names ("request N", written by the rules, never by a client).</summary>
    private static long? RequestId(string? comment) =>
        comment is not null && comment.StartsWith("request ", StringComparison.Ordinal)
        && long.TryParse(comment.AsSpan("request ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
}
