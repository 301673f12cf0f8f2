using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Predictions;

namespace Keel.Storage.Tests.Predictions;

/// <summary>Every behaviour an <see cref="IPredictionStore"/> must have, whatever the backend.</summary>
public abstract partial class PredictionStoreComplianceTests : IAsyncLifetime
{
    protected IPredictionStore Store { get; private set; } = null!;

    /// <summary>A new, empty store.</summary>
    protected abstract Task<IPredictionStore> CreateStoreAsync();

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public abstract ValueTask DisposeAsync();

    private static readonly string[] CreditColumns = ["age", "job"];

    protected static PredictionLogRecord Record(string requestId, long timestamp, string model = "credit", int rows = 1) => new(
        requestId,
        model,
        "3",
        timestamp,
        1500,
        rows,
        CreditColumns,
        "[" + string.Join(',', Enumerable.Range(0, rows).Select(i => $$"""[{{30 + i}},"x"]""")) + "]",
        "[" + string.Join(',', Enumerable.Range(0, rows).Select(i => $$"""{"predicted_label":"good","probability":0.{{i + 1}}}""")) + "]");

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private async Task<KeelException> Fails(ErrorCode code, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<KeelException>(action);
        Assert.Equal(code, e.Code);
        return e;
    }

    [Fact]
    public async Task Append_ThenSearch_ReturnsEveryFieldOldestFirst()
    {
        await Store.AppendAsync([Record("b", 2000, rows: 2), Record("a", 1000), Record("other", 1500, model: "fraud")]);

        var page = await Store.SearchAsync(new PredictionQuery("credit"));

        Assert.Null(page.NextPageToken);
        Assert.Equal(["a", "b"], page.Items.Select(p => p.Record.RequestId));
        var b = page.Items[1];
        var expected = Record("b", 2000, rows: 2);
        Assert.Equal(expected with { InputColumns = b.Record.InputColumns }, b.Record);
        Assert.Equal(CreditColumns, b.Record.InputColumns);
        Assert.Null(b.LabelsJson);
        Assert.Null(b.LabelledAtMs);
    }

    [Fact]
    public async Task Append_ColumnListsOfSeveralModels_ReadBackWithTheirRecords()
    {
        string[] fraudColumns = ["amount", "country", "age"];
        await Store.AppendAsync([Record("a", 1000), Record("f", 1000, model: "fraud") with { InputColumns = fraudColumns, InputsJson = """[[12.5,"NL",40]]""" }]);
        await Store.AppendAsync([Record("f2", 2000, model: "fraud") with { InputColumns = [.. fraudColumns], InputsJson = """[[1,"DE",20]]""" }]);

        var fraud = (await Store.SearchAsync(new PredictionQuery("fraud"))).Items;
        var credit = Assert.Single((await Store.SearchAsync(new PredictionQuery("credit"))).Items);

        Assert.Equal([fraudColumns, fraudColumns], fraud.Select(f => f.Record.InputColumns));
        Assert.Equal("""[[1,"DE",20]]""", fraud[1].Record.InputsJson);
        Assert.Equal(CreditColumns, credit.Record.InputColumns);
    }

    [Fact]
    public async Task Search_TimeRange_IsFromInclusiveToExclusive()
    {
        await Store.AppendAsync([Record("a", 1000), Record("b", 2000), Record("c", 3000)]);

        var page = await Store.SearchAsync(new PredictionQuery("credit", 1000, 3000));

        Assert.Equal(["a", "b"], page.Items.Select(p => p.Record.RequestId));
    }

    [Fact]
    public async Task Search_Pages_VisitEveryRecordOnceAcrossEqualTimestamps()
    {
        var records = Enumerable.Range(0, 25).Select(i => Record("r" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), 1000 + (i / 4))).ToList();
        await Store.AppendAsync(records);

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.SearchAsync(new PredictionQuery("credit", MaxResults: 4, PageToken: token));
            seen.AddRange(page.Items.Select(p => p.Record.RequestId));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(records.Select(r => r.RequestId), seen);
        Assert.Equal(7, pages);
    }

    [Fact]
    public async Task Search_UnknownModel_IsResourceDoesNotExist()
    {
        await Store.AppendAsync([Record("a", 1000)]);

        var e = await Fails(ErrorCode.ResourceDoesNotExist, () => Store.SearchAsync(new PredictionQuery("nope")));
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_KnownModelEmptyRange_IsEmptyPage()
    {
        await Store.AppendAsync([Record("a", 1000)]);

        var page = await Store.SearchAsync(new PredictionQuery("credit", 5000, 6000));

        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task Search_BadQuery_NamesEveryProblem()
    {
        var e = await Fails(ErrorCode.InvalidParameterValue, () => Store.SearchAsync(new PredictionQuery("credit", 5, 1, MaxResults: 0)));
        Assert.Contains("max_results", e.Message, StringComparison.Ordinal);
        Assert.Contains("before from", e.Message, StringComparison.Ordinal);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.SearchAsync(new PredictionQuery("credit", PageToken: "garbage!")));
    }

    [Fact]
    public async Task Feedback_ForEveryRow_IsJoinedOnRead()
    {
        await Store.AppendAsync([Record("a", 1000, rows: 3), Record("b", 1001)]);

        Assert.Equal(1, await Store.AddFeedbackAsync(PredictionFeedback.ForRows("a", Json("""["good","bad","good"]"""), 5000)));

        var page = await Store.SearchAsync(new PredictionQuery("credit"));
        Assert.Equal("""["good","bad","good"]""", page.Items[0].LabelsJson);
        Assert.Equal(5000, page.Items[0].LabelledAtMs);
        Assert.Null(page.Items[1].LabelsJson);
    }

    [Fact]
    public async Task Feedback_IsJoinedOnEveryPage_AtPageEdges_AndOnEachRowOfARequestLoggedTwice()
    {
        // 25 requests, four per millisecond, read four at a time: labelled ones sit at the first and
        // last row of pages; "r05" is logged again later (a shadow copy keeps the request id) so its
        // two rows fall on different pages; another model's request in the same time range is labelled too.
        var records = Enumerable.Range(0, 25).Select(i => Record("r" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), 1000 + (i / 4))).ToList();
        records.Add(Record("r05", 1010) with { Deployment = "d", Arm = "shadow" });
        records.Add(Record("f1", 1001, model: "fraud"));
        await Store.AppendAsync(records);
        string[] labelled = ["r00", "r03", "r04", "r05", "r13", "r24", "f1"];
        foreach (var id in labelled)
        {
            await Store.AddFeedbackAsync(PredictionFeedback.ForRows(id, Json("""["good"]"""), 5000));
        }

        var seen = new List<(string Id, string? Labels)>();
        string? token = null;
        do
        {
            var page = await Store.SearchAsync(new PredictionQuery("credit", MaxResults: 4, PageToken: token));
            seen.AddRange(page.Items.Select(p => (p.Record.RequestId, p.LabelsJson)));
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.Equal(26, seen.Count);
        Assert.All(seen, s => Assert.Equal(labelled.Contains(s.Id) ? """["good"]""" : null, s.Labels));
        Assert.Equal(2, seen.Count(s => s.Id == "r05" && s.Labels is not null));
    }

    [Fact]
    public async Task Feedback_PerRow_FillsThatRowAndLaterFeedbackWins()
    {
        await Store.AppendAsync([Record("a", 1000, rows: 3)]);

        await Store.AddFeedbackAsync(PredictionFeedback.ForRow("a", Json("\"bad\""), 1, 5000));
        await Store.AddFeedbackAsync(PredictionFeedback.ForRow("a", Json("\"good\""), 2, 5001));
        await Store.AddFeedbackAsync(PredictionFeedback.ForRow("a", Json("\"good\""), 1, 5002));

        var item = Assert.Single((await Store.SearchAsync(new PredictionQuery("credit"))).Items);
        Assert.Equal("""[null,"good","good"]""", item.LabelsJson);
        Assert.Equal(5002, item.LabelledAtMs);
    }

    [Fact]
    public async Task Feedback_UnknownRequest_IsResourceDoesNotExist()
    {
        await Store.AppendAsync([Record("a", 1000)]);

        await Fails(ErrorCode.ResourceDoesNotExist, () => Store.AddFeedbackAsync(PredictionFeedback.ForRow("missing", Json("1"), 0, 5000)));
    }

    [Fact]
    public async Task Feedback_WrongLabelCountOrRow_IsInvalidAndNotStored()
    {
        await Store.AppendAsync([Record("a", 1000, rows: 2)]);

        var e = await Fails(ErrorCode.InvalidParameterValue, () => Store.AddFeedbackAsync(PredictionFeedback.ForRows("a", Json("[1,2,3]"), 5000)));
        Assert.Contains("has 2 rows, got 3 labels", e.Message, StringComparison.Ordinal);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.AddFeedbackAsync(PredictionFeedback.ForRow("a", Json("1"), 2, 5000)));

        Assert.Null(Assert.Single((await Store.SearchAsync(new PredictionQuery("credit"))).Items).LabelsJson);
    }

    [Fact]
    public async Task Append_LargeBatch_IsStoredWhole()
    {
        var records = Enumerable.Range(0, 5000).Select(i => Record("r" + i, 10_000 + i)).ToList();

        await Store.AppendAsync(records);

        var page = await Store.SearchAsync(new PredictionQuery("credit", MaxResults: PredictionQuery.MaxPageSize));
        Assert.Equal(5000, page.Items.Count);
        Assert.Equal("r4999", page.Items[^1].Record.RequestId);
    }
}
