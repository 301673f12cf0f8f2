using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Predictions;

namespace Keel.Storage.Tests.Predictions;

// Failed requests (records with an error code): stored with their code, hidden from every reader by
// default, listed on request, counted per series, refused as feedback targets, pruned like any row.
public abstract partial class PredictionStoreComplianceTests
{
    private static PredictionLogRecord Failure(string requestId, long timestamp, string code = "INTERNAL_ERROR", string version = "3", string? deployment = null, string? arm = null, string model = "credit") =>
        Record(requestId, timestamp, model) with { ModelVersion = version, OutputsJson = "[]", ErrorCode = code, Deployment = deployment, Arm = arm };

    [Fact]
    public async Task Search_ByDefault_ReadsAnsweredRequestsOnly_AndTheFilterIncludesOrIsolatesFailures()
    {
        await Store.AppendAsync([Record("ok1", 1000), Failure("bad1", 1001, "INVALID_PARAMETER_VALUE"), Record("ok2", 1002)]);
        await Store.AppendAsync([PredictionLogEntry.From(Failure("bad2", 1003))]);

        var answered = (await Store.SearchAsync(new PredictionQuery("credit"))).Items;
        var all = (await Store.SearchAsync(new PredictionQuery("credit") { Errors = PredictionErrorFilter.Include })).Items;
        var failed = (await Store.SearchAsync(new PredictionQuery("credit") { Errors = PredictionErrorFilter.Only })).Items;

        Assert.Equal(["ok1", "ok2"], answered.Select(i => i.Record.RequestId));
        Assert.All(answered, i => Assert.Null(i.Record.ErrorCode));
        Assert.Equal(["ok1", "bad1", "ok2", "bad2"], all.Select(i => i.Record.RequestId));
        Assert.Equal([("bad1", "INVALID_PARAMETER_VALUE"), ("bad2", "INTERNAL_ERROR")], failed.Select(i => (i.Record.RequestId, i.Record.ErrorCode!)));
        Assert.Equal(Failure("bad1", 1001, "INVALID_PARAMETER_VALUE") with { InputColumns = failed[0].Record.InputColumns }, failed[0].Record);
    }

    [Fact]
    public async Task Search_ModelThatOnlyFailed_IsAnEmptyPage_NotNotFound()
    {
        await Store.AppendAsync([Failure("bad1", 1000)]);

        Assert.Empty((await Store.SearchAsync(new PredictionQuery("credit"))).Items);
        Assert.Single((await Store.SearchAsync(new PredictionQuery("credit") { Errors = PredictionErrorFilter.Only })).Items);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.SearchAsync(new PredictionQuery("credit") { Errors = (PredictionErrorFilter)7 }));
    }

    [Fact]
    public async Task Search_PagesThroughFailuresAndAnswersInLogOrder()
    {
        await Store.AppendAsync(Enumerable.Range(0, 7).Select(i => i % 2 == 0 ? Record("r" + i, 1000 + i) : Failure("r" + i, 1000 + i)).ToList());

        var ids = new List<string>();
        var query = new PredictionQuery("credit", MaxResults: 2) { Errors = PredictionErrorFilter.Include };
        while (true)
        {
            var page = await Store.SearchAsync(query);
            ids.AddRange(page.Items.Select(i => i.Record.RequestId));
            if (page.NextPageToken is null)
            {
                break;
            }

            query = query with { PageToken = page.NextPageToken };
        }

        Assert.Equal(Enumerable.Range(0, 7).Select(i => "r" + i), ids);
    }

    [Fact]
    public async Task CountErrors_CountsFailuresPerVersionDeploymentAndArm_InTheRange()
    {
        await Store.AppendAsync(
        [
            Record("ok", 1000),
            Failure("f1", 1000),
            Failure("f2", 1001),
            Failure("f3", 1002, version: "4"),
            Failure("f4", 1003, deployment: "credit-prod", arm: DeploymentArms.Candidate, version: "4"),
            Failure("f5", 1004, deployment: "credit-prod", arm: DeploymentArms.Candidate, version: "4"),
            Failure("f6", 1005, deployment: "credit-prod", arm: DeploymentArms.Stable),
            Failure("late", 5000),
            Failure("other", 1000, model: "fraud"),
        ]);

        var model = await Store.CountErrorsAsync(new PredictionQuery("credit", 1000, 2000));
        var deployment = await Store.CountErrorsAsync(new PredictionQuery(string.Empty) { Deployment = "credit-prod" });
        var candidate = await Store.CountErrorsAsync(new PredictionQuery(string.Empty) { Deployment = "credit-prod", Arm = DeploymentArms.Candidate });

        Assert.Equal(
            [
                new PredictionErrorCount("credit", "3", null, null, 2),
                new PredictionErrorCount("credit", "3", "credit-prod", DeploymentArms.Stable, 1),
                new PredictionErrorCount("credit", "4", null, null, 1),
                new PredictionErrorCount("credit", "4", "credit-prod", DeploymentArms.Candidate, 2),
            ],
            model.OrderBy(c => c.ModelVersion, StringComparer.Ordinal).ThenBy(c => c.Deployment, StringComparer.Ordinal));
        Assert.Equal(3, deployment.Sum(c => c.Errors));
        Assert.Equal(2, Assert.Single(candidate).Errors);
        Assert.Empty(await Store.CountErrorsAsync(new PredictionQuery("never-logged")));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.CountErrorsAsync(new PredictionQuery(string.Empty)));
    }

    [Fact]
    public async Task AddFeedback_ForAFailedRequest_IsNotFound_AndAnsweredRowsOfTheSameIdStillJoin()
    {
        await Store.AppendAsync([Failure("bad", 1000), Failure("shared", 1001), Record("shared", 1002)]);

        var e = await Fails(ErrorCode.ResourceDoesNotExist, () => Store.AddFeedbackAsync(PredictionFeedback.ForRows("bad", JsonDocument.Parse("""["good"]""").RootElement, 2000)));
        var joined = await Store.AddFeedbackAsync(PredictionFeedback.ForRows("shared", JsonDocument.Parse("""["good"]""").RootElement, 2000));

        Assert.Contains("failed requests take no feedback", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, joined);
        var all = (await Store.SearchAsync(new PredictionQuery("credit") { Errors = PredictionErrorFilter.Include })).Items;
        Assert.Equal("""["good"]""", all.Single(i => i.Record.RequestId == "shared" && i.Record.ErrorCode is null).LabelsJson);
    }

    [Fact]
    public async Task Prune_ByAge_DeletesFailedRequestsLikeAnsweredOnes()
    {
        const long Day = 86_400_000;
        var now = 100 * Day;
        await Store.AppendAsync([Failure("old-bad", now - (40 * Day)), Record("old-ok", now - (40 * Day)), Failure("young-bad", now - Day)]);

        var result = await Store.PruneAsync(new PredictionRetention(TimeSpan.FromDays(30), null), now);

        Assert.Equal(2, result.ByAge);
        var left = (await Store.SearchAsync(new PredictionQuery("credit") { Errors = PredictionErrorFilter.Include })).Items;
        Assert.Equal(["young-bad"], left.Select(i => i.Record.RequestId));
        Assert.Equal(1, Assert.Single(await Store.CountErrorsAsync(new PredictionQuery("credit"))).Errors);
    }
}
