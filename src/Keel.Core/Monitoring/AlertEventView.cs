using System.Text.Json;

namespace Keel.Core.Monitoring;

/// <summary>
/// An <see cref="AlertEvent"/> as the REST API writes it: the same fields, with the evidence as a
/// JSON object (<c>evidence</c>) rather than the text the store keeps.
/// </summary>
/// <param name="Id">Store id.</param>
/// <param name="AlertId">The alert.</param>
/// <param name="Model">The registered model.</param>
/// <param name="Rule">The rule.</param>
/// <param name="From">The state before (null for a new alert).</param>
/// <param name="To">The state after.</param>
/// <param name="AtMs">When, Unix ms.</param>
/// <param name="Value">The value that caused it.</param>
/// <param name="Message">What happened, for people.</param>
/// <param name="Evidence">The window(s) and threshold behind it, and the actions taken: a JSON object.</param>
public sealed record AlertEventView(long Id, long AlertId, string Model, string Rule, string? From, string To, long AtMs, double? Value, string? Message, JsonElement Evidence)
{
    /// <summary>The view of <paramref name="e"/>.</summary>
    public static AlertEventView Of(AlertEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var evidence = JsonDocument.Parse(string.IsNullOrEmpty(e.EvidenceJson) ? "{}" : e.EvidenceJson);
        return new AlertEventView(e.Id, e.AlertId, e.Model, e.Rule, e.From, e.To, e.AtMs, e.Value, e.Message, evidence.RootElement.Clone());
    }

    /// <summary>Back to the stored shape (the evidence as its JSON text).</summary>
    public AlertEvent ToEvent() => new(Id, AlertId, Model, Rule, From, To, AtMs, Value, Message,
        Evidence.ValueKind == JsonValueKind.Undefined ? "{}" : Evidence.GetRawText());
}
