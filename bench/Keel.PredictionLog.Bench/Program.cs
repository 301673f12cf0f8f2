using System.Diagnostics;
using System.Globalization;
using System.Text;
using Keel.Core.Predictions;
using Keel.Storage.Sqlite;

// Disk cost of the prediction log: one million predictions (scored rows) of the breast-cancer model's
// shape (30 numeric features, a label and a probability) written through SqlitePredictionStore, as
// single-row requests and as 100-row requests, with inputs kept in full, as hashes, or not at all.
//   keel-predlog-bench <breast_cancer_wdbc.csv> <work folder> [predictions, default 1000000]
// Prints one line per case: file bytes, bytes per prediction, MB per million, and the store's own
// size estimate (the retention's MaxBytes measure) against the file.
var csv = args.Length > 0 ? args[0] : throw new ArgumentException("usage: keel-predlog-bench <breast_cancer_wdbc.csv> <work folder> [predictions]");
var work = args.Length > 1 ? args[1] : throw new ArgumentException("work folder missing");
var predictions = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000;

if (Environment.GetEnvironmentVariable("KEEL_APPEND_COST") is { } variant)
{
    // KEEL_PG=<URI or connection string>: the same measurement on PostgreSQL (bench/predictions/pg-append.sh).
    await (Environment.GetEnvironmentVariable("KEEL_PG") is { Length: > 0 } pg ? PostgresAppendCost.RunAsync(pg, variant) : AppendCost.RunAsync(work, variant));
    return;
}

var lines = File.ReadAllLines(csv);
var header = lines[0].Split(',');
var columns = header.Take(30).ToArray();
var rows = lines.Skip(1).Select(l => "[" + string.Join(',', l.Split(',').Take(30)) + "]").ToArray();
var labels = lines.Skip(1).Select(l => l.Split(',')[31]).ToArray();
var random = new Random(7);

Console.WriteLine($"{"case",-28} {"records",9} {"file bytes",14} {"B/prediction",13} {"MB per 1M",10} {"estimate/file",14} {"append s",9}");
foreach (var rowsPerRequest in new[] { 1, 100 })
{
    foreach (var mode in new[] { PredictionInputsMode.Full, PredictionInputsMode.Hash, PredictionInputsMode.None })
    {
        var folder = Path.Combine(work, $"{mode}-{rowsPerRequest}".ToLowerInvariant());
        Directory.CreateDirectory(folder);
        var database = new SqliteTrackingStore(Path.Combine(folder, "keel.db"), Path.Combine(folder, "artifacts"), TimeProvider.System);
        var store = new SqlitePredictionStore(database.Database);
        var records = predictions / rowsPerRequest;
        var time = Stopwatch.StartNew();
        var batch = new List<PredictionLogEntry>(200);
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var next = 0;
        for (var r = 0; r < records; r++)
        {
            var inputs = new StringBuilder("[");
            var outputs = new StringBuilder("[");
            for (var i = 0; i < rowsPerRequest; i++, next++)
            {
                var row = rows[next % rows.Length];
                inputs.Append(i > 0 ? "," : string.Empty).Append(mode switch
                {
                    PredictionInputsMode.Full => row,
                    PredictionInputsMode.Hash => "\"" + PredictionInputHash.Of(Encoding.UTF8.GetBytes(row)) + "\"",
                    _ => string.Empty,
                });
                outputs.Append(i > 0 ? "," : string.Empty)
                    .Append("{\"predicted_label\":\"").Append(labels[next % labels.Length]).Append("\",\"probability\":")
                    .Append(random.NextDouble().ToString("R", CultureInfo.InvariantCulture)).Append('}');
            }

            var inputsText = mode == PredictionInputsMode.None ? "[]" : inputs.Append(']').ToString();
            batch.Add(new PredictionLogEntry(
                Guid.CreateVersion7().ToString("N"), "breast-cancer", "3", t0 + (r / 50), 150 + (r % 100), rowsPerRequest, columns,
                Encoding.UTF8.GetBytes(inputsText), Encoding.UTF8.GetBytes(outputs.Append(']').ToString())));
            if (batch.Count == 200 || r == records - 1)
            {
                await store.AppendAsync(batch);
                batch.Clear();
            }
        }

        var appendSeconds = time.Elapsed.TotalSeconds;
        var estimate = store.EstimatedBytes();
        await database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = Directory.GetFiles(folder, "keel.db*").Sum(f => new FileInfo(f).Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{$"{mode.ToString().ToLowerInvariant()} inputs, {rowsPerRequest}-row requests",-28} {records,9} {bytes,14:N0} {(double)bytes / predictions,13:F0} {bytes * (1_000_000.0 / predictions) / 1e6,10:F0} {(double)estimate / bytes,14:F2} {appendSeconds,9:F1}"));
        Directory.Delete(folder, recursive: true);
    }
}
