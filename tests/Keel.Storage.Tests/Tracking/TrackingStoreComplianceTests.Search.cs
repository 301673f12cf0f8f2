using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Storage.Tests.Tracking;

/// <summary>
/// Search through the store, so every backend runs the shared search SQL on its own engine (the SQL
/// builder's own tests in Search/ run it on SQLite only): NaN and missing keys order last, text is
/// compared byte-wise, LIKE is case-sensitive and ILIKE is not.
/// </summary>
public abstract partial class TrackingStoreComplianceTests
{
    /// <summary>Runs a..e in a new experiment; returns the experiment id and each run's id by label.</summary>
    private async Task<(string ExperimentId, Dictionary<string, string> Ids)> SearchRunsFixtureAsync()
    {
        var experimentId = await Store.CreateExperimentAsync("search-" + Guid.NewGuid().ToString("N"), null, null);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        async Task Add(string label, long start, double? acc, string? model, string? team)
        {
            var run = await Store.CreateRunAsync(new CreateRunCommand(experimentId, "u", label, start, null));
            ids[label] = run.Info.RunId;
            await Store.LogBatchAsync(
                run.Info.RunId,
                acc is null ? [] : [new Metric("acc", acc.Value, 1, 0)],
                model is null ? [] : [new Param("model", model)],
                team is null ? [] : [new RunTag("team", team)]);
        }

        await Add("a", 100, 0.9, "CNN", "core");
        await Add("b", 200, double.NaN, "cnn", "Core");
        await Add("c", 300, 0.5, "rnn", null);
        await Add("d", 400, null, "Zeta", "ml");
        await Add("e", 500, 0.7, "alpha", "core");
        return (experimentId, ids);
    }

    private async Task<string> SearchLabelsAsync(string experimentId, string? filter, params string[] orderBy)
    {
        var page = await Store.SearchRunsAsync(new RunSearchQuery([experimentId], filter, OrderBy: orderBy.Length == 0 ? null : orderBy));
        return string.Join(' ', page.Items.Select(r => r.Info.RunName));
    }

    [Theory]
    [InlineData(null, new string[0], "e d c b a")]
    [InlineData(null, new[] { "metrics.acc" }, "c e a b d")]
    [InlineData(null, new[] { "metrics.acc DESC" }, "a e c b d")]
    [InlineData(null, new[] { "params.model" }, "a d e b c")]
    [InlineData(null, new[] { "params.model DESC" }, "c b e d a")]
    [InlineData(null, new[] { "tags.team DESC", "attributes.start_time" }, "d a e b c")]
    [InlineData("metrics.acc > 0.6", new string[0], "e a")]
    [InlineData("metrics.acc != 0.9", new string[0], "e c b")]
    [InlineData("params.model = 'cnn'", new string[0], "b")]
    [InlineData("params.model LIKE 'c%'", new string[0], "b")]
    [InlineData("params.model ILIKE 'c%'", new string[0], "b a")]
    [InlineData("tags.team ILIKE 'CORE'", new[] { "attributes.start_time" }, "a b e")]
    [InlineData("tags.team != 'core'", new string[0], "d b")]
    [InlineData("attributes.run_name LIKE '_'  AND metrics.acc < 0.8", new string[0], "e c")]
    [InlineData("attributes.start_time >= 300", new[] { "attributes.run_name DESC" }, "e d c")]
    public async Task SearchRuns_FiltersAndOrders_AsMlflowDoes(string? filter, string[] orderBy, string expected)
    {
        var (experimentId, _) = await SearchRunsFixtureAsync();
        Assert.Equal(expected, await SearchLabelsAsync(experimentId, filter, orderBy));
    }

    [Fact]
    public async Task SearchRuns_OrderedByMetric_PagesAcrossNaNAndMissingRuns()
    {
        var (experimentId, _) = await SearchRunsFixtureAsync();
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await Store.SearchRunsAsync(new RunSearchQuery([experimentId], OrderBy: ["metrics.acc"], MaxResults: 2, PageToken: token));
            seen.AddRange(page.Items.Select(r => r.Info.RunName));
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.Equal("c e a b d", string.Join(' ', seen));
    }

    [Fact]
    public async Task SearchRuns_ReturnsWholeRuns()
    {
        var (experimentId, ids) = await SearchRunsFixtureAsync();
        var run = Assert.Single((await Store.SearchRunsAsync(new RunSearchQuery([experimentId], "params.model = 'CNN'"))).Items);
        Assert.Equal(ids["a"], run.Info.RunId);
        Assert.Equal([new Metric("acc", 0.9, 1, 0)], run.Data.Metrics);
        Assert.Equal([new Param("model", "CNN")], run.Data.Params);
        Assert.Contains(new RunTag("team", "core"), run.Data.Tags);
    }

    [Fact]
    public async Task SearchRuns_BadExperimentIdOrFilter_IsInvalidParameter()
    {
        await Fails(ErrorCode.InvalidParameterValue, () => Store.SearchRunsAsync(new RunSearchQuery(["x1"])));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.SearchRunsAsync(new RunSearchQuery(["0"], "metrics.acc >>> 1")));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.SearchRunsAsync(new RunSearchQuery(["0"], PageToken: "not-a-token!")));
    }

    [Fact]
    public async Task SearchExperiments_FiltersByNameAndTag_AndOrdersByteWise()
    {
        var prefix = "sx" + Guid.NewGuid().ToString("N")[..6];
        await Store.CreateExperimentAsync(prefix + "-beta", null, [new ExperimentTag("team", "core")]);
        await Store.CreateExperimentAsync(prefix + "-Alpha", null, null);
        await Store.CreateExperimentAsync(prefix + "-alpha", null, [new ExperimentTag("team", "ml")]);
        async Task<string> Names(string filter, params string[] orderBy) =>
            string.Join(' ', (await Store.SearchExperimentsAsync(new ExperimentSearchQuery(Filter: filter, OrderBy: orderBy))).Items.Select(e => e.Name[(prefix.Length + 1)..]));

        Assert.Equal("Alpha alpha beta", await Names($"name LIKE '{prefix}%'", "name"));
        Assert.Equal("alpha", await Names($"name LIKE '{prefix}-a%'", "name"));
        Assert.Equal("Alpha alpha", await Names($"name ILIKE '{prefix}-A%'", "name"));
        Assert.Equal("beta", await Names($"name LIKE '{prefix}%' AND tags.team = 'core'"));
    }
}
