using System.Globalization;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Monitoring.Monitors;
using Keel.Monitoring.Reference;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Server.Tests.Monitoring.Scheduling;

/// <summary><see cref="MonitorWindows"/> over a real SQLite prediction log: regression performance, and versions it cannot read.</summary>
public sealed class MonitorWindowsTests : IDisposable
{
    private const string Model = "reg";
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-monitor-windows-").FullName;
    private readonly SqliteTrackingStore _database;
    private readonly SqlitePredictionStore _log;

    public MonitorWindowsTests()
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
    public async Task Compute_RegressionSeries_RmseFromFeedback_AndAVersionThatCannotBeReadGetsTrafficOnly_WithTheProblemSaid()
    {
        var ct = TestContext.Current.CancellationToken;
        double[] errors = [1, -1, 2, 0, -2, 1, 1, -1, 0, 3];
        var records = new List<PredictionLogRecord>();
        for (var i = 0; i < errors.Length; i++)
        {
            records.Add(Record($"v1-{i}", "1", 1000 + i, latency: 100 * (i + 1), prediction: i));
        }

        for (var i = 0; i < 3; i++)
        {
            records.Add(Record($"v9-{i}", "9", 1000 + i, latency: 50, prediction: i));
        }

        records.Add(Record("late", "1", 2000, latency: 1, prediction: 0)); // after the window's end: not in it
        await _log.AppendAsync(records, ct);
        for (var i = 0; i < errors.Length; i++)
        {
            var label = JsonSerializer.SerializeToElement(new[] { i + errors[i] });
            await _log.AddFeedbackAsync(PredictionFeedback.ForRows($"v1-{i}", label, 1500), ct);
        }

        var result = await MonitorWindows.ComputeAsync(_log, new MonitorWindowRequest(Model, 1000, 2000, MinRows: 100, ComputedAtMs: 2500), Versions, cancellationToken: ct);

        Assert.Equal(["1", "9"], result.Windows.Select(w => w.Version));
        var v1 = result.Windows[0];
        Assert.Equal((1000L, 2000L, 2500L, 10L, 10L), (v1.StartMs, v1.EndMs, v1.ComputedAtMs, v1.Requests, v1.InputRows));
        Assert.Equal(550, v1.LatencyP50Us); // numpy: median of 100..1000
        Assert.Equal(991, v1.LatencyP99Us!.Value, 9); // 900 + 0.91 * 100
        Assert.Empty(v1.Features); // 10 rows < min_rows
        Assert.Null(v1.Quality);
        var performance = v1.Performance!;
        Assert.Equal(("rmse", false, 10L, 0.75), (performance.Metric, performance.HigherIsBetter, performance.LabelledRows, performance.Validation));
        Assert.Equal(Math.Sqrt(errors.Sum(e => e * e) / errors.Length), performance.Value!.Value, 12);

        var v9 = result.Windows[1];
        Assert.Equal((3L, 0L, 50.0), (v9.Requests, v9.InputRows, v9.LatencyP99Us));
        Assert.Null(v9.Performance); // neither a signature nor a label says what it predicts
        Assert.Contains(result.Problems, p => p.StartsWith("version 9: cannot be read (", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Compute_OnAModelNothingWasLoggedFor_GivesNoWindow_AndABadWindowIsInvalidParameter()
    {
        var ct = TestContext.Current.CancellationToken;
        var empty = await MonitorWindows.ComputeAsync(_log, new MonitorWindowRequest("nothing-logged", 0, 1000, 100, 0), Versions, cancellationToken: ct);
        Assert.Empty(empty.Windows);

        var error = await Assert.ThrowsAsync<KeelException>(() => MonitorWindows.ComputeAsync(_log, new MonitorWindowRequest(Model, 1000, 1000, 0, 0), Versions, cancellationToken: ct));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        Assert.Contains("must end after it starts", error.Message, StringComparison.Ordinal);
        Assert.Contains("min_rows", error.Message, StringComparison.Ordinal);
    }

    private static PredictionLogRecord Record(string id, string version, long time, long latency, double prediction) =>
        new(id, Model, version, time, latency, 1, ["x"], "[[" + prediction.ToString("R", CultureInfo.InvariantCulture) + "]]", "[" + prediction.ToString("R", CultureInfo.InvariantCulture) + "]");

    private static Task<MonitoredVersion?> Versions(string version, CancellationToken cancellationToken)
    {
        if (version != "1")
        {
            throw KeelException.InvalidParameter("Invalid model package: keel-model.json is missing.");
        }

        var metadata = new ModelMetadata
        {
            Id = "reg",
            Name = Model,
            Version = "1",
            Algorithm = "FastTree",
            Framework = "ML.NET 5.0.1",
            CreatedAt = DateTimeOffset.UnixEpoch,
            CreatedBy = "test",
            ValidationMetrics = new Dictionary<string, double> { ["root_mean_squared_error"] = 0.75 },
            Signature = new ModelSignature([new ColumnSpec("x", ColumnType.Double)], [new ColumnSpec("prediction", ColumnType.Double)]),
        };
        var entity = new ModelVersion(Model, "1", 0, 0, null, "None", null, "mlflow-artifacts:/m", null, "READY", null, [], null, []);
        return Task.FromResult<MonitoredVersion?>(new MonitoredVersion(entity, metadata, null, null));
    }
}
