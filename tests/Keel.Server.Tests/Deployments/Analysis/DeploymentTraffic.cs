using System.Text;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Data;
using Keel.Monitoring.Deployments;
using Keel.Monitoring.Reference;
using Keel.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Server.Tests.Deployments.Analysis;

/// <summary>
/// Simulated traffic on a deployment of the real breast-cancer model: each request is one data-set
/// row, observed by the analysis windows as routing would, logged to a real SQLite prediction store
/// with its deployment and arm, and given its true label as feedback.
/// </summary>
internal sealed class DeploymentTraffic : IAsyncDisposable
{
    public const string Model = "bc";
    public static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private readonly BreastCancerTraffic _data;
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-analysis-store-").FullName;
    private readonly SqliteTrackingStore _database;
    private long _clock;

    public DeploymentTraffic(BreastCancerTraffic data)
    {
        _data = data;
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), Time);
        Store = new SqlitePredictionStore(_database.Database);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public SqlitePredictionStore Store { get; }

    public DeploymentWindows Windows { get; } = new();

    /// <summary>The row indices in a seeded random order, split in two halves (one per arm).</summary>
    public static (int[] Stable, int[] Candidate) Halves(int rows, int seed = 3)
    {
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(seed).Shuffle(order);
        return (order[..(rows / 2)], order[(rows / 2)..]);
    }

    public static Deployment Deployment(string name, DeploymentGates gates, string strategy = "canary") => new(
        name,
        new DeploymentSpec { Name = name, Model = Model, Version = "2", Strategy = strategy, Gates = gates },
        "1", "2", null, DeploymentState.Progressing, 50, 0, 3, Start.ToUnixTimeMilliseconds(), Start.ToUnixTimeMilliseconds(), Start.ToUnixTimeMilliseconds(), null);

    public DeploymentAnalysis Analysis(bool withReference = true) =>
        new(Windows, Store, Time, withReference ? new CsvReferenceSource(_data.ReferenceCsvPath) : null);

    /// <summary>Sends the rows to one arm.</summary>
    /// <param name="deployment">The deployment.</param>
    /// <param name="arm">The arm.</param>
    /// <param name="version">The arm's version.</param>
    /// <param name="rows">Data-set rows, one request each.</param>
    /// <param name="output">The arm's answer to a row (JSON array of one prediction).</param>
    /// <param name="failed">Whether the arm fails on a row.</param>
    /// <param name="latencyUs">The arm's scoring time for a row.</param>
    /// <param name="requestId">The request id of a row (a shadow copy shares the stable request's).</param>
    /// <param name="inputs">The row's inputs as logged (default: the data set's).</param>
    /// <param name="feedback">Whether each request gets its true label as feedback.</param>
    public async Task SendAsync(string deployment, string arm, string version, IEnumerable<int> rows, Func<int, string> output,
        Func<int, bool>? failed = null, Func<int, long>? latencyUs = null, Func<int, string>? requestId = null, Func<int, string>? inputs = null, bool feedback = true)
    {
        var records = new List<PredictionLogRecord>();
        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var i in rows)
        {
            long t = Start.ToUnixTimeMilliseconds() + ++_clock;
            string id = requestId?.Invoke(i) ?? $"{deployment}-{arm}-{i}";
            bool fails = failed?.Invoke(i) ?? false;
            long latency = latencyUs?.Invoke(i) ?? 250;
            string rowsJson = "[" + (inputs?.Invoke(i) ?? _data.RowsJson[i]) + "]";
            string outputs = fails ? string.Empty : output(i);
            Windows.Observe(new DeploymentObservation(deployment, arm, version, id, t, latency, fails, 1, _data.Columns, Encoding.UTF8.GetBytes(rowsJson), Encoding.UTF8.GetBytes(outputs)));
            if (!fails)
            {
                rowOf[id] = i;
                records.Add(new PredictionLogRecord(id, Model, version, t, latency, 1, _data.Columns, rowsJson, outputs) { Deployment = deployment, Arm = arm });
            }
            else
            {
                // As the routing path logs a failure: the inputs, no outputs, an error code.
                records.Add(new PredictionLogRecord(id, Model, version, t, latency, 1, _data.Columns, rowsJson, "[]") { Deployment = deployment, Arm = arm, ErrorCode = "INTERNAL_ERROR" });
            }
        }

        Time.SetUtcNow(Start.AddMilliseconds(_clock + 1));
        await Store.AppendAsync(records);
        if (feedback)
        {
            foreach (var r in records.Where(r => r.ErrorCode is null && (arm == DeploymentArms.Stable || requestId is null)))
            {
                using var labels = JsonDocument.Parse(JsonSerializer.Serialize(new[] { _data.Truth[rowOf[r.RequestId]] }));
                await Store.AddFeedbackAsync(PredictionFeedback.ForRows(r.RequestId, labels.RootElement, r.TimestampMs + 1));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A version's reference sample read from a CSV file with Keel.Data's table reader (what the package's reference sample is).</summary>
    private sealed class CsvReferenceSource(string path) : IModelReferenceSource
    {
        public async Task<ModelReference?> GetAsync(string model, string version, CancellationToken cancellationToken = default) =>
            new ModelReference(await TableReader.ReadAsync(path, cancellationToken: cancellationToken), null, "reference.csv");
    }
}
