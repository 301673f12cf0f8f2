using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Predictions;

namespace Keel.Storage.Tests.Predictions;

// Retention: every backend prunes the same way (explicit "now", so no clock and no sleeping).
public abstract partial class PredictionStoreComplianceTests
{
    private const long Day = 24L * 3600 * 1000;
    private const long Now = 100 * Day;

    private async Task<List<string>> IdsAsync(string model = "credit")
    {
        try
        {
            return (await Store.SearchAsync(new PredictionQuery(model, MaxResults: PredictionQuery.MaxPageSize))).Items.Select(i => i.Record.RequestId).ToList();
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return [];
        }
    }

    [Fact]
    public async Task Prune_ByAge_DeletesOlderRecordsOfEveryModelInBatches_WithTheirFeedback_KeepsYoungerOnes()
    {
        // Appended out of time order, across two models: age is by timestamp, not by position.
        var records = Enumerable.Range(0, 7).Select(i => Record("old" + i, Now - (40 * Day) + i)).ToList();
        records.AddRange(Enumerable.Range(0, 3).Select(i => Record("young" + i, Now - Day + i)));
        records.Add(Record("old-fraud", Now - (31 * Day), model: "fraud"));
        records.Add(Record("young-fraud", Now - (29 * Day), model: "fraud"));
        records.Add(Record("old-late", Now - (35 * Day)));
        await Store.AppendAsync(records);
        await Store.AddFeedbackAsync(PredictionFeedback.ForRows("old3", JsonDocument.Parse("""["good"]""").RootElement, Now));
        await Store.AddFeedbackAsync(PredictionFeedback.ForRows("young1", JsonDocument.Parse("""["bad"]""").RootElement, Now));

        var result = await Store.PruneAsync(new PredictionRetention(TimeSpan.FromDays(30), null, BatchSize: 3), Now);

        Assert.Equal((9L, 0L, 1L), (result.ByAge, result.BySize, result.Feedback));
        Assert.Equal(["young0", "young1", "young2"], await IdsAsync());
        Assert.Equal(["young-fraud"], await IdsAsync("fraud"));
        var page = await Store.SearchAsync(new PredictionQuery("credit"));
        Assert.Equal("""["bad"]""", page.Items[1].LabelsJson);
        await Assert.ThrowsAsync<KeelException>(() => Store.AddFeedbackAsync(PredictionFeedback.ForRows("old3", JsonDocument.Parse("""["good"]""").RootElement, Now)));

        // A second pass finds nothing more to delete.
        Assert.Equal(0, (await Store.PruneAsync(new PredictionRetention(TimeSpan.FromDays(30), null), Now)).ByAge);
    }

    [Fact]
    public async Task Prune_BySize_DeletesTheOldestUntilTheEstimateFits_NewestKept()
    {
        await Store.AppendAsync(Enumerable.Range(0, 100).Select(i => Record("r" + i, Now + i, rows: 5)).ToList());
        var before = (await Store.PruneAsync(new PredictionRetention(null, long.MaxValue), Now)).EstimatedBytes;
        Assert.True(before > 0);

        var result = await Store.PruneAsync(new PredictionRetention(null, before / 4, BatchSize: 7), Now);

        var left = await IdsAsync();
        Assert.InRange(left.Count, 20, 25);
        Assert.Equal(100 - left.Count, result.BySize);
        Assert.Equal(Enumerable.Range(100 - left.Count, left.Count).Select(i => "r" + i), left);
        Assert.InRange(result.EstimatedBytes, 1, before / 4);
    }

    [Fact]
    public async Task Prune_EmptyLog_DeletesNothing_AndABadPolicyIsInvalid()
    {
        Assert.Equal(new PredictionPruneResult(0, 0, 0, 0), await Store.PruneAsync(new PredictionRetention(TimeSpan.FromDays(1), 1), Now));

        var e = await Fails(ErrorCode.InvalidParameterValue, () => Store.PruneAsync(new PredictionRetention(TimeSpan.Zero, -1, BatchSize: 0), Now));
        Assert.Contains("max age", e.Message, StringComparison.Ordinal);
        Assert.Contains("max bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains("batch size", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_Utf8Entries_ReadBackAsTheirJson()
    {
        var record = Record("utf8", 1234, rows: 2) with { InputsJson = """[[30,"ünïcødé"],[31,"x"]]""" };
        await Store.AppendAsync([PredictionLogEntry.From(record)]);

        var read = (await Store.SearchAsync(new PredictionQuery("credit"))).Items.Single().Record;
        Assert.Equal(record with { InputColumns = read.InputColumns }, read);
    }
}
