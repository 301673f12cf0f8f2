using System.Globalization;
using System.Text;
using Keel.Core.Models;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Core.Validation.Gates;
using Keel.Data;
using Keel.Monitoring.Reference;

namespace Keel.Monitoring.Tests.Monitors;

/// <summary>
/// A real data set (flights: distance, origin, destination; the logged output is the flight's
/// recorded delay) split into a reference (even rows) and a stream (odd rows) that is replayed into
/// prediction log records, one row per request, as serving logs them.
/// </summary>
internal sealed class ReplayedLog
{
    public static readonly string[] Inputs = ["distance", "origin", "destination"];

    private ReplayedLog(DataTable table) => Table = table;

    public DataTable Table { get; }

    public static async Task<ReplayedLog> FlightsAsync() =>
        new(await TableReader.ReadAsync(Path.Combine(AppContext.BaseDirectory, "Data", "flights_2000.csv"), cancellationToken: TestContext.Current.CancellationToken));

    public static ModelSignature Signature { get; } = new(
        [new ColumnSpec("distance", ColumnType.Double), new ColumnSpec("origin", ColumnType.String), new ColumnSpec("destination", ColumnType.String)],
        [new ColumnSpec("prediction", ColumnType.Double)]);

    public int[] ReferenceRows => Enumerable.Range(0, Table.RowCount).Where(r => r % 2 == 0).ToArray();

    public int[] StreamRows => Enumerable.Range(0, Table.RowCount).Where(r => r % 2 == 1).ToArray();

    /// <summary>
    /// The version as monitoring sees it: the reference rows and their profile. There is no model
    /// here, so no reference predictions (the delay logged as output is read, not compared: it
    /// genuinely drifts over these dates); prediction drift is tested end to end with a trained model.
    /// </summary>
    public MonitoredVersion Version()
    {
        var rows = ReferenceRows;
        var inputs = Inputs.Select(n => Table[n]!.Take(rows)).ToArray();
        var metadata = new ModelMetadata
        {
            Id = "replayed",
            Name = "flights",
            Version = "1",
            Algorithm = "FastTree",
            Framework = "ML.NET 5.0.1",
            CreatedAt = DateTimeOffset.UnixEpoch,
            CreatedBy = "test",
            Signature = Signature,
        };
        var version = new ModelVersion("flights", "1", 0, 0, null, "None", null, "mlflow-artifacts:/m", null, "READY", null, [], null, []);
        return new MonitoredVersion(version, metadata, new ModelReference(new DataTable(inputs), null, "training"), DataProfiler.Profile(inputs));
    }

    /// <summary>One record per row; <paramref name="change"/> may rewrite a row's distance and origin.</summary>
    public IEnumerable<PredictionLogRecord> Records(IEnumerable<int> rows, long startMs, Func<double, string, (double Distance, string Origin)>? change = null)
    {
        var distance = Table["distance"]!.Numbers!;
        var origin = Table["origin"]!.Texts!;
        var destination = Table["destination"]!.Texts!;
        var delay = Table["delay"]!.Numbers!;
        var time = startMs;
        foreach (var r in rows)
        {
            var (d, o) = change is null ? (distance[r], origin[r]!) : change(distance[r], origin[r]!);
            var inputs = new StringBuilder("[[")
                .Append(d.ToString("R", CultureInfo.InvariantCulture)).Append(",\"").Append(o).Append("\",\"").Append(destination[r]).Append("\"]]")
                .ToString();
            yield return new PredictionLogRecord($"r{r}", "flights", "1", time++, 100, 1, Inputs, inputs, "[" + delay[r].ToString("R", CultureInfo.InvariantCulture) + "]");
        }
    }
}
