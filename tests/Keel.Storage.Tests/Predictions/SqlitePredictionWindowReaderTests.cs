using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Predictions;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Predictions;

/// <summary>
/// <see cref="IPredictionWindowReader"/> on SQLite: the same rows, in the same order, with the same
/// JSON and feedback as <see cref="IPredictionStore.SearchAsync"/>'s pages.
/// </summary>
public sealed class SqlitePredictionWindowReaderTests : IDisposable
{
    private static readonly string[] Columns = ["age", "job"];
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-window-reader-").FullName;
    private readonly SqliteTrackingStore _database;
    private readonly SqlitePredictionStore _store;

    public SqlitePredictionWindowReaderTests()
    {
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), TimeProvider.System);
        _store = new SqlitePredictionStore(_database.Database);
    }

    public void Dispose()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(25)]
    [InlineData(10_000)]
    public async Task ReadWindow_GivesSearchsRowsJsonAndFeedback_AcrossPageEdges(int pageSize)
    {
        var ct = TestContext.Current.CancellationToken;
        var records = Enumerable.Range(0, 30).Select(i => Record("r" + i.ToString("D2", CultureInfo.InvariantCulture), 1000 + (i / 4), i)).ToList();
        // A shadow copy keeps the request id (two rows, both labelled); a deployment's arm; another model;
        // a failed request (left out by the default error filter); payloads a reader must repair or keep:
        // a lone surrogate escape (logged before requests were checked), an escaped pair, raw UTF-8.
        records.Add(Record("r05", 1009, 5) with { Deployment = "d", Arm = "shadow" });
        records.Add(Record("arm", 1003, 40) with { ModelVersion = "4", Deployment = "d", Arm = "candidate" });
        records.Add(Record("f1", 1001, 1) with { ModelName = "fraud" });
        records.Add(Record("failed", 1002, 2) with { ErrorCode = "INTERNAL_ERROR", OutputsJson = "[]" });
        records.Add(Record("lone", 1004, 3) with { InputsJson = """[[1,"x\ud800y"]]""" });
        records.Add(Record("pair", 1004, 3) with { InputsJson = """[[1,"\ud83d\ude00 \u00e9"]]""" });
        records.Add(Record("raw", 1004, 3) with { InputsJson = """[[1,"é😀"]]""" });
        records.Add(Record("hashed", 1005, 3) with { InputsJson = "" });
        await _store.AppendAsync(records, ct);
        foreach (var id in new[] { "r00", "r03", "r04", "r05", "r13", "r29", "arm", "f1", "lone" })
        {
            await _store.AddFeedbackAsync(PredictionFeedback.ForRows(id, JsonDocument.Parse("""["good"]""").RootElement, 5000), ct);
        }

        await _store.AddFeedbackAsync(PredictionFeedback.ForRows("r13", JsonDocument.Parse("""["bad"]""").RootElement, 6000), ct);

        foreach (var errors in new[] { PredictionErrorFilter.Exclude, PredictionErrorFilter.Include })
        {
            var query = new PredictionQuery("credit", 1000, 1100, pageSize) { Errors = errors };
            var expected = await SearchAllAsync(query, ct);
            var pages = new List<int>();
            var actual = new List<string>();
            await foreach (var read in _store.ReadWindowAsync(query, ct))
            {
                using var page = read;
                pages.Add(page.Count);
                for (var i = 0; i < page.Count; i++)
                {
                    actual.Add(Describe(page[i]));
                }
            }

            Assert.Equal(errors == PredictionErrorFilter.Include ? 37 : 36, expected.Count);
            Assert.Equal(expected, actual);
            Assert.All(pages, p => Assert.InRange(p, 1, pageSize));
            Assert.Equal((expected.Count + pageSize - 1) / pageSize, pages.Count);
        }

        // The repaired row reads as SearchAsync repairs it; the valid escapes and raw UTF-8 stay as logged.
        var all = await SearchAllAsync(new PredictionQuery("credit", 1000, 1100), ct);
        Assert.Contains(all, d => d.StartsWith("lone|", StringComparison.Ordinal) && !d.Contains("""\ud800""", StringComparison.Ordinal));
        Assert.Contains(all, d => d.Contains("""\ud83d\ude00 \u00e9""", StringComparison.Ordinal));
        Assert.Contains(all, d => d.Contains("é😀", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadWindow_JoinsFeedbackStoredUpToAnHourBeforeTheWindow_NotEarlier_AndOnlyForTheWindowsRequests()
    {
        var ct = TestContext.Current.CancellationToken;
        var hour = (long)TimeSpan.FromHours(1).TotalMilliseconds;
        const long start = 10_000_000;
        await _store.AppendAsync([Record("a", start, 1), Record("b", start + 5, 2), Record("c", start + 9, 3), Record("old", start - 10, 4), Record("fraud", start + 1, 5) with { ModelName = "fraud" }], ct);
        // a: labelled later (as usual); b: by a replica whose clock runs 59 minutes behind; c: more than an hour behind.
        await _store.AddFeedbackAsync(PredictionFeedback.ForRows("a", JsonDocument.Parse("""["good"]""").RootElement, start + 100), ct);
        await _store.AddFeedbackAsync(PredictionFeedback.ForRows("b", JsonDocument.Parse("""["bad"]""").RootElement, start - hour + 1), ct);
        await _store.AddFeedbackAsync(PredictionFeedback.ForRows("c", JsonDocument.Parse("""["bad"]""").RootElement, start - hour - 1), ct);
        await _store.AddFeedbackAsync(PredictionFeedback.ForRows("old", JsonDocument.Parse("""["bad"]""").RootElement, start + 50), ct);
        await _store.AddFeedbackAsync(PredictionFeedback.ForRows("fraud", JsonDocument.Parse("""["bad"]""").RootElement, start + 50), ct);

        var labels = new Dictionary<string, string?>();
        await foreach (var read in _store.ReadWindowAsync(new PredictionQuery("credit", start, start + 100), ct))
        {
            using var page = read;
            for (var i = 0; i < page.Count; i++)
            {
                labels[Encoding.UTF8.GetString(page[i].RequestIdUtf8)] = page[i].LabelsJson;
            }
        }

        Assert.Equal(["a", "b", "c"], labels.Keys.Order());
        Assert.Equal("""["good"]""", labels["a"]);
        Assert.Equal("""["bad"]""", labels["b"]);
        Assert.Null(labels["c"]);
    }

    [Fact]
    public async Task ReadWindow_ByDeploymentAndArm_AndNothingLogged()
    {
        var ct = TestContext.Current.CancellationToken;
        await _store.AppendAsync([Record("a", 1000, 1) with { Deployment = "d", Arm = "stable" }, Record("b", 1001, 2) with { Deployment = "d", Arm = "candidate" }, Record("c", 1002, 3)], ct);

        var query = new PredictionQuery(string.Empty) { Deployment = "d", Arm = "candidate" };
        var rows = new List<string>();
        await foreach (var read in _store.ReadWindowAsync(query, ct))
        {
            using var page = read;
            rows.Add(Describe(page[0]));
        }

        Assert.Equal(await SearchAllAsync(query, ct), rows);
        Assert.Single(rows);

        var none = await Assert.ThrowsAsync<KeelException>(async () =>
        {
            await foreach (var page in _store.ReadWindowAsync(new PredictionQuery("nope"), ct))
            {
                page.Dispose();
            }
        });
        Assert.Equal(ErrorCode.ResourceDoesNotExist, none.Code);

        var empty = 0;
        await foreach (var page in _store.ReadWindowAsync(new PredictionQuery("credit", 5000, 6000), ct))
        {
            empty++;
            page.Dispose();
        }

        Assert.Equal(0, empty);
    }

    private async Task<List<string>> SearchAllAsync(PredictionQuery query, CancellationToken ct)
    {
        var rows = new List<string>();
        var page = query;
        while (true)
        {
            var result = await _store.SearchAsync(page, ct);
            rows.AddRange(result.Items.Select(Describe));
            if (result.NextPageToken is null)
            {
                return rows;
            }

            page = page with { PageToken = result.NextPageToken };
        }
    }

    private static string Describe(LoggedPrediction p) =>
        $"{p.Record.RequestId}|{p.Record.ModelVersion}|{p.Record.Deployment}|{p.Record.Arm}|{p.Record.ErrorCode}|{p.Record.TimestampMs}|{p.Record.LatencyMicroseconds}|{p.Record.RowCount}|{string.Join(',', p.Record.InputColumns)}|{p.Record.InputsJson}|{p.Record.OutputsJson}|{p.LabelsJson}|{p.LabelledAtMs}";

    private static string Describe(PredictionWindowRow r) =>
        $"{Encoding.UTF8.GetString(r.RequestIdUtf8)}|{r.ModelVersion}|{r.Deployment}|{r.Arm}|{r.ErrorCode}|{r.TimestampMs}|{r.LatencyMicroseconds}|{r.RowCount}|{string.Join(',', r.InputColumns)}|{Encoding.UTF8.GetString(r.InputsUtf8)}|{Encoding.UTF8.GetString(r.OutputsUtf8)}|{r.LabelsJson}|{r.LabelledAtMs}";

    private static PredictionLogRecord Record(string id, long timestamp, int i) => new(
        id, "credit", "3", timestamp, 100 + i, 1, Columns, $$"""[[{{30 + i}},"x"]]""", $$"""[{"predicted_label":"good","probability":0.{{i + 1}}}]""");
}
