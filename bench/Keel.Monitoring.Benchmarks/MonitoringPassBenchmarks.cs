using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Core.Validation.Gates;
using Keel.Data;
using Keel.Monitoring.Monitors;
using Keel.Monitoring.Reference;

namespace Keel.Monitoring.Benchmarks;

/// <summary>
/// One monitoring pass over 1,000,000 logged predictions × 20 features (15 numeric, 5 categorical;
/// one row per request, as online serving logs them; binary classifier outputs), against a
/// 10,000-row reference: parse the log's JSON into columns, drift of 20 inputs and 2 prediction
/// columns, data quality against the training profile. Target: at most 1 s.
/// </summary>
[MemoryDiagnoser]
public class MonitoringPassBenchmarks
{
    public const int Rows = 1_000_000;
    private const int Numeric = 15;
    private const int Categorical = 5;
    private PredictionLogRecord[] _records = [];
    private MonitoredVersion _version = null!;
    private PredictionWindow? _parsed;

    [GlobalSetup]
    public void Setup()
    {
        var names = Enumerable.Range(0, Numeric).Select(j => "num" + j).Concat(Enumerable.Range(0, Categorical).Select(j => "cat" + j)).ToArray();
        var signature = new ModelSignature(
            names.Select((n, j) => new ColumnSpec(n, j < Numeric ? ColumnType.Double : ColumnType.String)).ToArray(),
            [new ColumnSpec("predicted_label", ColumnType.String), new ColumnSpec("probability", ColumnType.Double)]);
        var (referenceInputs, referencePredictions) = Table(names, 10_000, seed: 1);
        var metadata = new ModelMetadata
        {
            Id = "bench", Name = "bench", Version = "1", Algorithm = "FastTree", Framework = "ML.NET 5.0.1",
            CreatedAt = DateTimeOffset.UnixEpoch, CreatedBy = "bench", Signature = signature,
        };
        var entity = new ModelVersion("bench", "1", 0, 0, null, "None", null, "mlflow-artifacts:/m", null, "READY", null, [], null, []);
        _version = new MonitoredVersion(entity, metadata, new ModelReference(new DataTable(referenceInputs), new DataTable(referencePredictions), "training"), DataProfiler.Profile(referenceInputs));

        var (inputs, predictions) = Table(names, Rows, seed: 2);
        _records = new PredictionLogRecord[Rows];
        var row = new StringBuilder();
        for (var i = 0; i < Rows; i++)
        {
            row.Clear().Append("[[");
            for (var c = 0; c < names.Length; c++)
            {
                if (c > 0)
                {
                    row.Append(',');
                }

                if (c < Numeric)
                {
                    row.Append(inputs[c].Numbers![i].ToString("R", CultureInfo.InvariantCulture));
                }
                else
                {
                    row.Append('"').Append(inputs[c].Texts![i]).Append('"');
                }
            }

            row.Append("]]");
            var output = $"[{{\"predicted_label\":\"{predictions[0].Texts![i]}\",\"probability\":{predictions[1].Numbers![i].ToString("R", CultureInfo.InvariantCulture)}}}]";
            _records[i] = new PredictionLogRecord("r" + i, "bench", "1", i, 50, 1, names, row.ToString(), output);
        }
    }

    /// <summary>The logged records (after <see cref="Setup"/>).</summary>
    internal PredictionLogRecord[] Records => _records;

    /// <summary>The monitored version (after <see cref="Setup"/>).</summary>
    internal MonitoredVersion Version => _version;

    /// <summary>
    /// Parse as <see cref="MonitoringPass.RunAsync"/> does: pages of 10,000 records dealt in turn to
    /// one builder per worker (<see cref="MonitoringPassOptions.ParseWorkers"/>), parsed in parallel, joined.
    /// </summary>
    [Benchmark]
    public PredictionWindow Parse_1M_predictions_x_20_features()
    {
        var workers = new MonitoringPassOptions().ParseWorkers;
        var builders = Enumerable.Range(0, workers).Select(_ => new PredictionWindowBuilder(_version.Metadata.Signature)).ToArray();
        const int page = 10_000;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            for (var start = w * page; start < _records.Length; start += workers * page)
            {
                foreach (var record in _records.AsSpan(start, Math.Min(page, _records.Length - start)))
                {
                    builders[w].Add(record);
                }
            }
        });
        return PredictionWindowBuilder.Build(builders);
    }

    /// <summary>The parse on one core (the fast scanner on).</summary>
    [Benchmark]
    public PredictionWindow Parse_1M_one_core()
    {
        var builder = new PredictionWindowBuilder(_version.Metadata.Signature);
        foreach (var record in _records)
        {
            builder.Add(record);
        }

        return builder.Build();
    }

    /// <summary>The same parse on the Utf8JsonReader path only (the fast scanner off), for comparison.</summary>
    [Benchmark]
    public PredictionWindow Parse_1M_reader_path_only()
    {
        var builder = new PredictionWindowBuilder(_version.Metadata.Signature) { FastPath = false };
        foreach (var record in _records)
        {
            builder.Add(record);
        }

        return builder.Build();
    }

    /// <summary>Drift and quality alone, on a window parsed once.</summary>
    [Benchmark]
    public MonitoringPassResult Drift_and_quality_on_a_parsed_window() => MonitoringPass.Run(_version, _parsed ??= Parse_1M_predictions_x_20_features());

    /// <summary>The whole pass with the default row cap (drift and quality on a 100,000-row sample).</summary>
    [Benchmark]
    public MonitoringPassResult Pass_1M_predictions_x_20_features() => MonitoringPass.Run(_version, Parse_1M_predictions_x_20_features());

    /// <summary>The whole pass on every row (<see cref="MonitoringPassOptions.MaxDriftRows"/> 0).</summary>
    [Benchmark]
    public MonitoringPassResult Pass_1M_every_row() => MonitoringPass.Run(_version, Parse_1M_predictions_x_20_features(), new MonitoringPassOptions { MaxDriftRows = 0 });

    /// <summary>Drift and quality on every row of a window parsed once (as before the cap).</summary>
    [Benchmark]
    public MonitoringPassResult Drift_and_quality_every_row() => MonitoringPass.Run(_version, _parsed ??= Parse_1M_predictions_x_20_features(), new MonitoringPassOptions { MaxDriftRows = 0 });

    /// <summary>Drift and quality on one core (<see cref="Drift.DriftOptions.MaxDegreeOfParallelism"/> 1), as the server's scheduler runs them, with the default cap.</summary>
    [Benchmark]
    public MonitoringPassResult Drift_and_quality_one_core() => MonitoringPass.Run(
        _version,
        _parsed ??= Parse_1M_predictions_x_20_features(),
        new MonitoringPassOptions { Drift = new() { Correction = Drift.MultipleTestingCorrection.BenjaminiHochberg, MaxDegreeOfParallelism = 1 } });

    private static (DataColumn[] Inputs, DataColumn[] Predictions) Table(string[] names, int rows, int seed)
    {
        var inputs = new DataColumn[names.Length];
        for (var c = 0; c < names.Length; c++)
        {
            inputs[c] = c < Numeric
                ? DataColumn.Numeric(names[c], BenchData.Normal(rows, seed * 100 + c).Select(v => Math.Round(v * 100, 2)).ToArray())
                : DataColumn.Labels(names[c], BenchData.Categories(rows, 8 + c, seed * 100 + c));
        }

        var p = BenchData.Normal(rows, seed * 100 + 99).Select(v => Math.Round(1 / (1 + Math.Exp(-v)), 4)).ToArray();
        var labels = p.Select(v => v >= 0.5 ? "bad" : "good").ToArray();
        return (inputs, [DataColumn.Labels("prediction", labels), DataColumn.Numeric("probability", p)]);
    }
}
