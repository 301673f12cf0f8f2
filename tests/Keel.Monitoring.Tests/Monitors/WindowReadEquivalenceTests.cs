using System.Globalization;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Paging;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Core.Validation.Gates;
using Keel.Data;
using Keel.Monitoring.Monitors;
using Keel.Monitoring.Performance.Estimation;
using Keel.Monitoring.Reference;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Monitoring.Tests.Monitors;

/// <summary>
/// The monitor's window computed from a real SQLite log through <see cref="IPredictionWindowReader"/>
/// (the stored UTF-8) is the one computed through <see cref="IPredictionStore.SearchAsync"/> (strings):
/// same series, counts, drift on the same row sample, quality, realised and estimated performance.
/// </summary>
public sealed class WindowReadEquivalenceTests : IDisposable
{
    private const string Model = "eq";
    private static readonly string[] Columns = ["x", "c"];
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-window-read-").FullName;
    private readonly SqliteTrackingStore _database;
    private readonly SqlitePredictionStore _log;

    public WindowReadEquivalenceTests()
    {
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), TimeProvider.System);
        _log = new SqlitePredictionStore(_database.Database);
    }

    public void Dispose()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task MonitorWindows_ThroughTheUtf8Reader_EqualsThroughSearch_WithSampleFeedbackAndEstimate()
    {
        var ct = TestContext.Current.CancellationToken;
        await LogAsync(ct);
        var request = new MonitorWindowRequest(Model, 0, 100_000, MinRows: 50, ComputedAtMs: 200_000)
        {
            Pass = new MonitoringPassOptions { MaxDriftRows = 1_000 }, // below the main series' 2,400 rows: the sample is drawn
        };

        var read = await MonitorWindows.ComputeAsync(_log, request, Versions, new CbpeEstimator(), ct);
        var searched = await MonitorWindows.ComputeAsync(new SearchOnly(_log), request, Versions, new CbpeEstimator(), ct);

        Assert.Equal(Json(searched), Json(read));
        Assert.Equal(3, read.Windows.Count);
        var main = read.Windows.Single(w => w.Version == "1" && w.Deployment is null);
        Assert.Equal(2_403, main.Requests); // with the lone surrogate, the malformed and the hashed request
        Assert.Equal(2_401, main.InputRows);
        Assert.NotEmpty(main.Features);
        Assert.NotNull(main.Quality);
        Assert.True(main.Performance!.LabelledRows > 100);
        Assert.NotNull(main.Performance.Value);
        Assert.NotNull(main.Performance.Estimated);
    }

    [Fact]
    public async Task MonitoringPass_ThroughTheUtf8Reader_EqualsThroughSearch_OnManyPagesAndWorkers()
    {
        var ct = TestContext.Current.CancellationToken;
        await LogAsync(ct);
        var options = new MonitoringPassOptions { MaxDriftRows = 1_000, PageSize = 333, ParseWorkers = 2 };
        var version = (await Versions("1", ct))!;
        var query = new PredictionQuery(Model, 0, 100_000);

        var read = await MonitoringPass.RunAsync(_log, query, version, options, ct);
        var searched = await MonitoringPass.RunAsync(new SearchOnly(_log), query, version, options, ct);

        Assert.Equal(Json(searched), Json(read));
        Assert.Equal(1_000, read.SampledInputRows);
        Assert.Equal(300, read.OtherVersionRequests);
        Assert.Equal(1, read.MalformedRequests);
        Assert.True(read.InputDrift!.ComparedColumns == 2);
    }

    /// <summary>
    /// Version 1 outside any deployment (2,400 requests, one in five labelled, one logged with a lone
    /// surrogate escape, one malformed, one hashed), version 1 and 2 as a deployment's arms.
    /// </summary>
    private async Task LogAsync(CancellationToken ct)
    {
        var random = new Random(11);
        var records = new List<PredictionLogRecord>();
        var labels = new List<(string Id, string Label)>();
        for (var i = 0; i < 3_000; i++)
        {
            var x = Math.Round(random.NextDouble() * 10, 3);
            var c = i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "é";
            var p = Math.Round(1 / (1 + Math.Exp(5 - x)), 4);
            var id = "r" + i.ToString(CultureInfo.InvariantCulture);
            var record = new PredictionLogRecord(id, Model, "1", 1_000 + (i * 10), 100 + (i % 97), 1, Columns,
                $$"""[[{{x.ToString("R", CultureInfo.InvariantCulture)}},"{{c}}"]]""",
                $$"""[{"predicted_label":"{{(p >= 0.5 ? 1 : 0)}}","probability":{{p.ToString("R", CultureInfo.InvariantCulture)}}}]""");
            record = i switch
            {
                < 2_400 => record,
                < 2_700 => record with { Deployment = "d", Arm = "stable" },
                _ => record with { ModelVersion = "2", Deployment = "d", Arm = "candidate" },
            };
            records.Add(record);
            if (i % 5 == 0)
            {
                labels.Add((id, random.NextDouble() < p ? "1" : "0"));
            }
        }

        records.Add(records[0] with { RequestId = "lone", InputsJson = """[[4.5,"\ud800"]]""" });
        records.Add(records[0] with { RequestId = "malformed", InputsJson = "[[4.5," });
        records.Add(records[0] with { RequestId = "hashed", InputsJson = "" });
        records.RemoveAt(0); // r0 is then only the three above's template; its label stays
        records.Add(records[0] with { RequestId = "r0", TimestampMs = 999 });
        await _log.AppendAsync(records, ct);
        foreach (var (id, label) in labels)
        {
            await _log.AddFeedbackAsync(PredictionFeedback.ForRows(id, JsonSerializer.SerializeToElement(new[] { label }), 50_000), ct);
        }
    }

    private static Task<MonitoredVersion?> Versions(string version, CancellationToken cancellationToken)
    {
        var random = new Random(3);
        const int n = 1_000;
        var x = new double[n];
        var c = new string?[n];
        var predicted = new string?[n];
        var probability = new double[n];
        var vectors = new List<double[]>(n);
        var truth = new List<string>(n);
        for (var i = 0; i < n; i++)
        {
            x[i] = Math.Round(random.NextDouble() * 10, 3);
            c[i] = i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "é";
            probability[i] = Math.Round(1 / (1 + Math.Exp(5 - x[i])), 4);
            predicted[i] = probability[i] >= 0.5 ? "1" : "0";
            vectors.Add([1 - probability[i], probability[i]]);
            truth.Add(random.NextDouble() < probability[i] ? "1" : "0");
        }

        DataColumn[] inputs = [DataColumn.Numeric("x", x), DataColumn.Text("c", c)];
        var predictions = new DataTable([DataColumn.Labels(ReferenceSampleFiles.PredictionColumn, predicted), DataColumn.Numeric(ReferenceSampleFiles.ProbabilityColumn, probability)]);
        var metadata = new ModelMetadata
        {
            Id = Model,
            Name = Model,
            Version = version,
            Algorithm = "FastTree",
            Framework = "ML.NET 5.0.1",
            CreatedAt = DateTimeOffset.UnixEpoch,
            CreatedBy = "test",
            ValidationMetrics = new Dictionary<string, double> { ["roc_auc"] = 0.8 },
            Signature = new ModelSignature([new ColumnSpec("x", ColumnType.Double), new ColumnSpec("c", ColumnType.String)], [new ColumnSpec("predicted_label", ColumnType.String), new ColumnSpec("probability", ColumnType.Double)]),
        };
        var entity = new ModelVersion(Model, version, 0, 0, null, "None", null, "mlflow-artifacts:/m", null, "READY", null, [], null, []);
        var reference = new ModelReference(new DataTable(inputs), predictions, "training") { Labelled = new LabelledReference(["0", "1"], vectors, truth) };
        return Task.FromResult<MonitoredVersion?>(new MonitoredVersion(entity, metadata, reference, DataProfiler.Profile(inputs)));
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });

    /// <summary>The same SQLite store seen only through <see cref="IPredictionStore"/> (without its optional window reader).</summary>
    private sealed class SearchOnly(IPredictionStore store) : IPredictionStore
    {
        public Task<PagedResult<LoggedPrediction>> SearchAsync(PredictionQuery query, CancellationToken cancellationToken = default) => store.SearchAsync(query, cancellationToken);

        public Task AppendAsync(IReadOnlyList<PredictionLogRecord> records, CancellationToken cancellationToken = default) => store.AppendAsync(records, cancellationToken);

        public Task AppendAsync(IReadOnlyList<PredictionLogEntry> entries, CancellationToken cancellationToken = default) => store.AppendAsync(entries, cancellationToken);

        public Task<PredictionPruneResult> PruneAsync(PredictionRetention retention, long nowMs, CancellationToken cancellationToken = default) => store.PruneAsync(retention, nowMs, cancellationToken);

        public Task<int> AddFeedbackAsync(PredictionFeedback feedback, CancellationToken cancellationToken = default) => store.AddFeedbackAsync(feedback, cancellationToken);

        public Task<IReadOnlyList<PredictionErrorCount>> CountErrorsAsync(PredictionQuery query, CancellationToken cancellationToken = default) => store.CountErrorsAsync(query, cancellationToken);

        public Task<IReadOnlyList<PredictionRequestSource>> FindRequestSourcesAsync(string requestId, CancellationToken cancellationToken = default) => store.FindRequestSourcesAsync(requestId, cancellationToken);
    }
}
