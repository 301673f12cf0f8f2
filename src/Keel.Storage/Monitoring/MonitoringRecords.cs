using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Monitoring;

namespace Keel.Storage.Monitoring;

/// <summary>
/// What every monitoring backend checks before it writes, so a store never keeps a record it cannot
/// give back unchanged: keys present, a window that ends after it starts, alerts whose key matches
/// their fields, history evidence that is a JSON object, and no NaN (SQL keeps NaN as NULL, and
/// a NaN score or threshold means nothing). Infinities are kept as they are.
/// </summary>
internal static class MonitoringRecords
{
    /// <summary>Checks a window about to be stored.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE naming the problem.</exception>
    public static void Check(MonitorWindow window, int index)
    {
        ArgumentNullException.ThrowIfNull(window);
        var at = $"windows[{index}]";
        Require(window.Model, $"{at}.model");
        Require(window.Version, $"{at}.version");
        if (window.EndMs <= window.StartMs)
        {
            throw KeelException.InvalidParameter($"'{at}' ends ({window.EndMs}) before or when it starts ({window.StartMs}).");
        }

        if (window.Requests < 0 || window.Errors < 0 || window.InputRows < 0)
        {
            throw KeelException.InvalidParameter($"'{at}' has a negative count.");
        }

        NotNaN(window.LatencyP50Us, $"{at}.latency_p50_us");
        NotNaN(window.LatencyP99Us, $"{at}.latency_p99_us");
        NotNaN(window.DriftedShare, $"{at}.drifted_share");
        var features = window.Features ?? throw KeelException.InvalidParameter($"'{at}.features' is null.");
        for (var i = 0; i < features.Count; i++)
        {
            var f = features[i] ?? throw KeelException.InvalidParameter($"'{at}.features[{i}]' is null.");
            Require(f.Feature, $"{at}.features[{i}].feature");
            Require(f.Kind, $"{at}.features[{i}].kind");
            Require(f.Method, $"{at}.features[{i}].method");
            NotNaN(f.Score, $"{at}.features[{i}].score");
            NotNaN(f.PValue, $"{at}.features[{i}].p_value");
            NotNaN(f.Threshold, $"{at}.features[{i}].threshold");
        }

        if (window.Quality is { } q)
        {
            NotNaN(q.MaxMissingShare, $"{at}.quality.max_missing_share");
            NotNaN(q.MaxOutOfRangeShare, $"{at}.quality.max_out_of_range_share");
            NotNaN(q.MaxUnseenShare, $"{at}.quality.max_unseen_share");
            if (q.Failures is null || q.Failures.Any(x => x is null))
            {
                throw KeelException.InvalidParameter($"'{at}.quality.failures' must be a list of strings.");
            }
        }

        if (window.Performance is { } p)
        {
            Require(p.Metric, $"{at}.performance.metric");
            NotNaN(p.Value, $"{at}.performance.value");
            NotNaN(p.Estimated, $"{at}.performance.estimated");
            NotNaN(p.Validation, $"{at}.performance.validation");
        }
    }

    /// <summary>Checks an alert (and its history entry) about to be stored.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE naming the problem.</exception>
    public static void Check(Alert alert, long expectedRevision, AlertEvent? change)
    {
        ArgumentNullException.ThrowIfNull(alert);
        Require(alert.Model, "alert.model");
        Require(alert.Rule, "alert.rule");
        Require(alert.Kind, "alert.kind");
        Require(alert.Severity, "alert.severity");
        Require(alert.Version, "alert.version");
        if (expectedRevision < 0)
        {
            throw KeelException.InvalidParameter($"Expected revision {expectedRevision} is negative.");
        }

        if (alert.Key != Alert.MakeKey(alert.Model, alert.Rule, alert.Version, alert.Deployment, alert.Arm))
        {
            throw KeelException.InvalidParameter($"Alert key does not match its model, rule, version, deployment and arm (use Alert.MakeKey) for rule '{alert.Rule}' of '{alert.Model}'.");
        }

        State(alert.State, "alert.state");
        NotNaN(alert.Value, "alert.value");
        if (change is null)
        {
            return;
        }

        State(change.To, "change.to");
        if (change.From is not null)
        {
            State(change.From, "change.from");
        }

        Require(change.Model, "change.model");
        Require(change.Rule, "change.rule");
        NotNaN(change.Value, "change.value");
        try
        {
            using var evidence = JsonDocument.Parse(change.EvidenceJson ?? "");
            if (evidence.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw KeelException.InvalidParameter($"An alert change's evidence must be a JSON object, not {evidence.RootElement.ValueKind}.");
            }
        }
        catch (JsonException e)
        {
            throw KeelException.InvalidParameter($"An alert change's evidence is not JSON: {e.Message}");
        }
    }

    /// <summary>Checks a page size: between 1 and <see cref="MonitorWindowQuery.MaxPageSize"/>.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE.</exception>
    public static void CheckPageSize(int maxResults)
    {
        const int max = MonitorWindowQuery.MaxPageSize;
        if (maxResults < 1 || maxResults > max)
        {
            throw KeelException.InvalidParameter($"'max_results' must be between 1 and {max}, got {maxResults}.");
        }
    }

    /// <summary>Checks a window listing: a model is required, and the page size.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE.</exception>
    public static void Check(MonitorWindowQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrEmpty(query.Model))
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'model'.");
        }

        CheckPageSize(query.MaxResults);
    }

    /// <summary>Checks an alert listing's state filter: none, pending, firing or resolved.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE.</exception>
    public static void CheckStateFilter(string? state)
    {
        if (state is not (null or AlertStates.Pending or AlertStates.Firing or AlertStates.Resolved))
        {
            throw KeelException.InvalidParameter($"Unknown alert state '{(state.Length <= 64 ? state : state[..64] + "…")}': use pending, firing or resolved.");
        }
    }

    private static void State(string? state, string field)
    {
        if (state is not (AlertStates.Pending or AlertStates.Firing or AlertStates.Resolved))
        {
            throw KeelException.InvalidParameter($"'{field}' is '{state}': use pending, firing or resolved.");
        }
    }

    private static void Require(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw KeelException.InvalidParameter($"Missing value for '{field}'.");
        }
    }

    private static void NotNaN(double? value, string field)
    {
        if (value is { } v && double.IsNaN(v))
        {
            throw KeelException.InvalidParameter($"'{field}' is NaN; store a number (or leave it out where it may be null).");
        }
    }
}
