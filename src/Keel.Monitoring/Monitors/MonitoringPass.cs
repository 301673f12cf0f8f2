using Keel.Core.Data;
using Keel.Core.Predictions;
using Keel.Core.Validation.Gates;
using Keel.Monitoring.Drift;
using Keel.Monitoring.Reference;

namespace Keel.Monitoring.Monitors;

/// <summary>
/// One monitoring pass over a window of a model version's prediction log: drift of every input
/// feature and of the predictions against the version's reference, with the drift engine
/// (<see cref="DriftAnalyzer"/>: automatic test choice, multiple-testing correction, dataset
/// verdict), and data quality against the training profile (Core's <see cref="QualityGate"/>:
/// missing share, out-of-range numbers, unseen categories).
/// </summary>
public static class MonitoringPass
{
    /// <summary>
    /// Reads every page of <paramref name="query"/> (records of other versions are skipped) and runs
    /// the pass. Pages are parsed on up to <see cref="MonitoringPassOptions.ParseWorkers"/> cores
    /// while the next page is read, each worker into its own builder; the window joins them (its rows
    /// are grouped by worker, not in log order: only a window above <see cref="MonitoringPassOptions.MaxDriftRows"/>
    /// depends on the order, its sample being drawn by row position, so a rerun with the same
    /// <see cref="MonitoringPassOptions.ParseWorkers"/> and page size draws the same rows).
    /// </summary>
    /// <exception cref="Core.Errors.KeelException">INVALID_PARAMETER_VALUE for a bad query or options; RESOURCE_DOES_NOT_EXIST when nothing was logged for the model.</exception>
    public static async Task<MonitoringPassResult> RunAsync(
        IPredictionStore store, PredictionQuery query, MonitoredVersion version, MonitoringPassOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(version);
        options ??= new MonitoringPassOptions();
        var workers = Math.Max(1, options.ParseWorkers);
        var builders = new PredictionWindowBuilder[workers];
        var parsing = new Task[workers];
        var key = $"{version.Version.Name}/{version.Version.Version}/{query.FromMs}/{query.ToMs}";
        options.Validate();
        for (var w = 0; w < workers; w++)
        {
            builders[w] = new PredictionWindowBuilder(version.Metadata.Signature);
            if (options.MaxDriftRows > 0)
            {
                // Above the cap only the sampled rows' inputs are parsed; each worker draws its keys from its own stream.
                builders[w].SampleInputs(options.MaxDriftRows, RowSample.Seed(w == 0 ? key : $"{key}/worker {w}"));
            }

            parsing[w] = Task.CompletedTask;
        }

        var wanted = version.Version.Version;
        var page = query with { MaxResults = Math.Clamp(options.PageSize, 1, PredictionQuery.MaxPageSize) };
        var otherVersions = store is IPredictionWindowReader reader
            ? await ReadAsync(reader, page, wanted, builders, parsing, cancellationToken).ConfigureAwait(false)
            : await SearchAsync(store, page, wanted, builders, parsing, cancellationToken).ConfigureAwait(false);
        return Run(version, PredictionWindowBuilder.Build(builders), options, key) with { FromMs = query.FromMs, ToMs = query.ToMs, OtherVersionRequests = otherVersions };
    }

    /// <summary>Reads the pages through <see cref="IPredictionStore.SearchAsync"/> (rows as strings), each parsed on a worker; returns the requests of other versions.</summary>
    private static async Task<long> SearchAsync(
        IPredictionStore store, PredictionQuery page, string wanted, PredictionWindowBuilder[] builders, Task[] parsing, CancellationToken cancellationToken)
    {
        long otherVersions = 0;
        try
        {
            for (var n = 0; ; n++)
            {
                var result = await store.SearchAsync(page, cancellationToken).ConfigureAwait(false);
                var w = n % builders.Length;
                await parsing[w].ConfigureAwait(false); // a builder takes one page at a time
                var builder = builders[w];
                var items = result.Items;
                parsing[w] = Task.Run(
                    () =>
                    {
                        long others = 0;
                        foreach (var item in items)
                        {
                            if (string.Equals(item.Record.ModelVersion, wanted, StringComparison.Ordinal))
                            {
                                builder.Add(item.Record);
                            }
                            else
                            {
                                others++;
                            }
                        }

                        Interlocked.Add(ref otherVersions, others);
                    },
                    cancellationToken);

                if (result.NextPageToken is null)
                {
                    break;
                }

                page = page with { PageToken = result.NextPageToken };
            }
        }
        finally
        {
            // Never leave a worker running on a builder when the read fails.
            await Task.WhenAll(parsing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await Task.WhenAll(parsing).ConfigureAwait(false);
        return otherVersions;
    }

    /// <summary>Reads the pages through <see cref="IPredictionWindowReader"/> (the stored UTF-8), each parsed on a worker, as <see cref="SearchAsync"/>; returns the requests of other versions.</summary>
    private static async Task<long> ReadAsync(
        IPredictionWindowReader reader, PredictionQuery query, string wanted, PredictionWindowBuilder[] builders, Task[] parsing, CancellationToken cancellationToken)
    {
        long otherVersions = 0;
        try
        {
            var n = 0;
            await foreach (var read in reader.ReadWindowAsync(query, cancellationToken).ConfigureAwait(false))
            {
                var page = read;
                var w = n++ % builders.Length;
                try
                {
                    await parsing[w].ConfigureAwait(false); // a builder takes one page at a time
                }
                catch
                {
                    page.Dispose();
                    throw;
                }

                var builder = builders[w];
                parsing[w] = Task.Run(
                    () =>
                    {
                        using (page)
                        {
                            long others = 0;
                            for (var i = 0; i < page.Count; i++)
                            {
                                var row = page[i];
                                if (string.Equals(row.ModelVersion, wanted, StringComparison.Ordinal))
                                {
                                    builder.Add(row.InputsUtf8, row.OutputsUtf8, row.InputColumns);
                                }
                                else
                                {
                                    others++;
                                }
                            }

                            Interlocked.Add(ref otherVersions, others);
                        }
                    },
                    CancellationToken.None); // started or not, the page is disposed by the task
            }
        }
        finally
        {
            await Task.WhenAll(parsing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await Task.WhenAll(parsing).ConfigureAwait(false);
        return otherVersions;
    }

    /// <summary>Runs the pass over a collected window.</summary>
    /// <param name="version">The version monitored: signature, reference, training profile.</param>
    /// <param name="window">The window's columns.</param>
    /// <param name="options">How drift and quality are judged; null: the defaults.</param>
    /// <param name="sampleKey">
    /// Names the window when it is larger than <see cref="MonitoringPassOptions.MaxDriftRows"/>: the
    /// seed of its row sample, so the same window always draws the same rows. Null: the model, version
    /// and request count.
    /// </param>
    public static MonitoringPassResult Run(MonitoredVersion version, PredictionWindow window, MonitoringPassOptions? options = null, string? sampleKey = null)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(window);
        options ??= new MonitoringPassOptions();
        options.Validate();
        var drift = options.Drift;
        var seed = RowSample.Seed(sampleKey ?? $"{version.Version.Name}/{version.Version.Version}/{window.Requests}");
        // A window sampled while it was read holds its sample already (the same rule, drawn before the parse).
        var held = window.Inputs.Count == 0 ? 0 : window.Inputs[0].Length;
        var inputs = Sample(window.Inputs, held, options.MaxDriftRows, seed);
        var predictions = Sample(window.Predictions, window.PredictionRows, options.MaxDriftRows, seed);
        var reference = version.Reference;
        DriftReport? inputDrift = null;
        DriftReport? predictionDrift = null;
        if (reference is not null && window.InputRows > 0)
        {
            inputDrift = Compare(reference.Inputs.Columns, inputs, drift);
        }

        if (reference?.Predictions is { } predicted && window.PredictionRows > 0)
        {
            predictionDrift = Compare(predicted.Columns, predictions, drift);
        }

        QualityGateResult? quality = version.TrainingProfile is { } profile && window.InputRows > 0
            ? QualityGate.Evaluate(profile, inputs.Where(c => profile.Find(c.Name) is not null).ToList(), options.Quality)
            : null;
        return new MonitoringPassResult
        {
            Model = version.Version.Name,
            Version = version.Version.Version,
            ReferenceSource = reference?.Source,
            ReferenceRows = reference?.Inputs.RowCount ?? 0,
            Requests = window.Requests,
            RequestsWithoutInputs = window.RequestsWithoutInputs,
            MalformedRequests = window.MalformedRequests,
            InputRows = window.InputRows,
            PredictionRows = window.PredictionRows,
            SampledInputRows = window.LoggedInputRows is not null || !ReferenceEquals(inputs, window.Inputs) ? inputs[0].Length : null,
            SampledPredictionRows = ReferenceEquals(predictions, window.Predictions) ? null : options.MaxDriftRows,
            InputDrift = inputDrift,
            PredictionDrift = predictionDrift,
            Quality = quality,
        };
    }

    /// <summary>The columns themselves when they have at most <paramref name="max"/> rows (or 0: no cap), else the same uniform sample of exactly <paramref name="max"/> rows of each.</summary>
    private static IReadOnlyList<DataColumn> Sample(IReadOnlyList<DataColumn> columns, int rows, int max, ulong seed)
    {
        if (max == 0 || rows <= max)
        {
            return columns;
        }

        var kept = RowSample.Indices(rows, max, seed);
        var sampled = new DataColumn[columns.Count];
        for (var c = 0; c < sampled.Length; c++)
        {
            sampled[c] = columns[c].Take(kept);
        }

        return sampled;
    }

    /// <summary>Drift of the columns both sides have and the engine compares (numeric, categorical, text; not date/time).</summary>
    private static DriftReport Compare(IReadOnlyList<DataColumn> reference, IReadOnlyList<DataColumn> current, DriftOptions options)
    {
        var names = new HashSet<string>(current.Where(DriftAnalyzer.Compares).Select(c => c.Name), StringComparer.Ordinal);
        var left = reference.Where(c => DriftAnalyzer.Compares(c) && names.Contains(c.Name)).ToList();
        var kept = new HashSet<string>(left.Select(c => c.Name), StringComparer.Ordinal);
        var right = current.Where(c => kept.Contains(c.Name)).ToList();
        var columns = options.Columns.Count > 0 ? options.Columns.Where(kept.Contains).ToList() : [];
        return DriftAnalyzer.Compare(left, right, new DriftOptions
        {
            Columns = columns,
            Overrides = options.Overrides,
            Correction = options.Correction,
            DriftShare = options.DriftShare,
            ReportBins = options.ReportBins,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
        });
    }
}
