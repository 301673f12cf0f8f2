using Keel.Core.Errors;
using Keel.Core.Monitoring;
using Keel.Core.Paging;
using Keel.Core.Predictions;
using Keel.Monitoring.Performance;
using Keel.Monitoring.Reference;

namespace Keel.Monitoring.Monitors;

/// <summary>
/// Computes the <see cref="MonitorWindow"/>s of one window of a model's prediction log: the log is
/// read once, page by page, and split into series (version, deployment, arm); each series gets
/// its traffic and latency, drift and data quality from <see cref="MonitoringPass"/> (only with at
/// least <see cref="MonitorWindowRequest.MinRows"/> rows), and its performance from the feedback
/// labels that arrived so far. Pure computation over the stores it is given: the server's monitor
/// runner stores the result.
/// </summary>
public static partial class MonitorWindows
{
    /// <summary>Reads <paramref name="request"/>'s window of the log and computes one window per series.</summary>
    /// <param name="store">The prediction log.</param>
    /// <param name="request">The model, the window and the settings.</param>
    /// <param name="versions">Reads a version's signature, reference and profile (called once per version seen); may return null or throw, then that series gets traffic, latency and labels only, and the problem is reported.</param>
    /// <param name="estimator">Estimates a classifier's metric without labels; null: no estimate.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a bad request.</exception>
    public static async Task<MonitorWindowsResult> ComputeAsync(
        IPredictionStore store,
        MonitorWindowRequest request,
        Func<string, CancellationToken, Task<MonitoredVersion?>> versions,
        IPerformanceEstimator? estimator = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(versions);
        request.Validate();
        var problems = new List<string>();
        var known = new Dictionary<string, MonitoredVersion?>(StringComparer.Ordinal);
        var series = new Dictionary<MonitorSeriesKey, MonitorSeries>();
        var query = new PredictionQuery(request.Model, request.StartMs, request.EndMs, PredictionQuery.MaxPageSize);
        if (store is IPredictionWindowReader reader)
        {
            await ReadWindowAsync(reader, query, request, series, known, versions, problems, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await SearchWindowAsync(store, query, request, series, known, versions, problems, cancellationToken).ConfigureAwait(false);
        }

        foreach (var key in request.Silent)
        {
            if (!series.ContainsKey(key))
            {
                series[key] = new MonitorSeries(key, null);
            }
        }

        var windows = new List<MonitorWindow>(series.Count);
        foreach (var one in series.Values.OrderBy(s => s.Key.Version.Length).ThenBy(s => s.Key.Version, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Deployment, StringComparer.Ordinal).ThenBy(s => s.Key.Arm, StringComparer.Ordinal))
        {
            windows.Add(Window(request, one, estimator, problems));
            if (one.MalformedFeedback > 0)
            {
                problems.Add($"version {one.Key.Version}{Where(one.Key)}: {one.MalformedFeedback} labelled request(s) with malformed JSON were left out of performance.");
            }
        }

        return new MonitorWindowsResult(windows, problems);
    }

    /// <summary>The window through <see cref="IPredictionStore.SearchAsync"/>: every row as strings.</summary>
    private static async Task SearchWindowAsync(
        IPredictionStore store, PredictionQuery query, MonitorWindowRequest request, Dictionary<MonitorSeriesKey, MonitorSeries> series, Dictionary<string, MonitoredVersion?> known,
        Func<string, CancellationToken, Task<MonitoredVersion?>> versions, List<string> problems, CancellationToken cancellationToken)
    {
        var page = query;
        while (true)
        {
            PagedResult<LoggedPrediction> result;
            try
            {
                result = await store.SearchAsync(page, cancellationToken).ConfigureAwait(false);
            }
            catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
            {
                return; // Nothing was ever logged for the model: no series.
            }

            foreach (var item in result.Items)
            {
                var key = MonitorSeriesKey.Of(item.Record);
                if (!series.TryGetValue(key, out var one))
                {
                    var version = await VersionAsync(item.Record.ModelVersion, known, versions, problems, cancellationToken).ConfigureAwait(false);
                    series[key] = one = NewSeries(request, key, version);
                }

                one.Add(item);
            }

            if (result.NextPageToken is not { } token)
            {
                return;
            }

            page = page with { PageToken = token };
        }
    }

    /// <summary>The window through <see cref="IPredictionWindowReader"/>: the stored UTF-8 bytes parsed as they are.</summary>
    private static async Task ReadWindowAsync(
        IPredictionWindowReader reader, PredictionQuery query, MonitorWindowRequest request, Dictionary<MonitorSeriesKey, MonitorSeries> series, Dictionary<string, MonitoredVersion?> known,
        Func<string, CancellationToken, Task<MonitoredVersion?>> versions, List<string> problems, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var read in reader.ReadWindowAsync(query, cancellationToken).ConfigureAwait(false))
            {
                using var page = read;
                for (var i = 0; i < page.Count; i++)
                {
                    var key = MonitorSeriesKey.Of(page[i]);
                    if (!series.TryGetValue(key, out var one))
                    {
                        var version = await VersionAsync(key.Version, known, versions, problems, cancellationToken).ConfigureAwait(false);
                        series[key] = one = NewSeries(request, key, version);
                    }

                    one.Add(page[i]);
                }
            }
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            // Nothing was ever logged for the model: no series.
        }
    }

    private static async Task<MonitoredVersion?> VersionAsync(
        string version, Dictionary<string, MonitoredVersion?> known, Func<string, CancellationToken, Task<MonitoredVersion?>> versions, List<string> problems, CancellationToken cancellationToken)
    {
        if (known.TryGetValue(version, out var found))
        {
            return found;
        }

        try
        {
            found = await versions(version, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                problems.Add($"version {version}: not found in the registry; its windows hold traffic, latency and labels only.");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problems.Add($"version {version}: cannot be read ({e.Message}); its windows hold traffic, latency and labels only.");
        }

        known[version] = found;
        return found;
    }

    /// <summary>A series whose inputs are sampled while read above the row cap, seeded by the window (<see cref="SampleKey"/>).</summary>
    private static MonitorSeries NewSeries(MonitorWindowRequest request, MonitorSeriesKey key, MonitoredVersion? version) =>
        new(key, version, request.Pass.MaxDriftRows, RowSample.Seed(SampleKey(request, key)));

    /// <summary>Names a series' window: the seed of its row sample, so a rerun draws the same rows.</summary>
    internal static string SampleKey(MonitorWindowRequest request, MonitorSeriesKey key) =>
        $"{request.Model}/{key.Version}/{key.Deployment}/{key.Arm}/{request.StartMs}/{request.EndMs}";

    private static string Where(MonitorSeriesKey key) => key.Deployment is null ? string.Empty : $" (deployment {key.Deployment}, arm {key.Arm})";
}

/// <summary>What <see cref="MonitorWindows.ComputeAsync"/> found.</summary>
/// <param name="Windows">One window per series, by version, deployment and arm.</param>
/// <param name="Problems">What could not be computed and why (a version that cannot be read, an estimator that failed), one sentence each.</param>
public sealed record MonitorWindowsResult(IReadOnlyList<MonitorWindow> Windows, IReadOnlyList<string> Problems);
