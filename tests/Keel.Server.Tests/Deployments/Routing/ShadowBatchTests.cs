using System.Text.Json;
using Keel.Core.Predictions;
using Keel.Server.Deployments.Routing;
using Keel.Server.Serving;

namespace Keel.Server.Tests.Deployments.Routing;

/// <summary>The shadow scorer's batches: one scoring call for copies that read alike, each answer still its own.</summary>
[Collection(RoutingCollection.Name)]
public sealed class ShadowBatchTests(RoutingFixture fixture)
{
    [Fact]
    public async Task ABatch_AnswersEachCopyAsIfScoredAlone_InArrivalOrder()
    {
        var (table, mirror) = await ShadowAsync("shadow-batch");
        var run = Guid.NewGuid().ToString("N")[..8];
        var options = new ScoringOptions();
        ShadowCopy Copy(string id, IReadOnlyDictionary<string, JsonElement> row) =>
            new(table.Name, id, default, null, options, [row], table.Stable);

        // Every example row twice, in one batch (one scoring call), then each alone.
        var rows = fixture.Rows.Concat(fixture.Rows).ToList();
        var batch = rows.Select((row, i) => Copy($"{run}-b{i}", row)).ToList();
        mirror.ScoreBatch(batch, []);
        for (var i = 0; i < rows.Count; i++)
        {
            mirror.Score(Copy($"{run}-a{i}", rows[i]));
        }

        var seen = fixture.Observer.Seen.Where(o => o.Observation.RequestId.StartsWith(run, StringComparison.Ordinal)).ToList();
        Assert.All(seen, o => Assert.Equal((table.Name, DeploymentArms.Shadow, table.Candidate!.Version, false), (o.Observation.Deployment, o.Observation.Arm, o.Observation.Version, o.Observation.Failed)));
        Assert.Equal(batch.Select(c => c.RequestId).ToList(), seen.Where(o => o.Observation.RequestId.Contains("-b", StringComparison.Ordinal)).Select(o => o.Observation.RequestId).ToList());
        var answered = seen.ToDictionary(o => o.Observation.RequestId, o => o.Outputs);
        Assert.True(fixture.Rows.Select((_, i) => answered[$"{run}-a{i}"]).Distinct().Count() > 1, "the example rows should not all score alike, or the order would not show");
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(answered[$"{run}-a{i}"], answered[$"{run}-b{i}"]);
        }
    }

    [Fact]
    public async Task ABatchWithACopyTheCandidateRefuses_FailsThatCopyAlone()
    {
        var (table, mirror) = await ShadowAsync("shadow-batch-bad");
        var run = Guid.NewGuid().ToString("N")[..8];
        var options = new ScoringOptions();
        var bad = new Dictionary<string, JsonElement>(fixture.Rows[0]);
        bad.Remove(fixture.Columns[0]); // an input missing: the candidate refuses the whole call
        IReadOnlyDictionary<string, JsonElement>[] rows = [fixture.Rows[0], fixture.Rows[1 % fixture.Rows.Count], bad, fixture.Rows[0]];
        var batch = rows.Select((row, i) => new ShadowCopy(table.Name, $"{run}-{i}", default, null, options, [row], table.Stable)).ToList();

        mirror.ScoreBatch(batch, []);

        var seen = fixture.Observer.Seen.Where(o => o.Observation.RequestId.StartsWith(run, StringComparison.Ordinal)).Select(o => o.Observation).ToList();
        Assert.Equal(batch.Select(c => c.RequestId).ToList(), seen.Select(o => o.RequestId).ToList());
        Assert.Equal([false, false, true, false], seen.Select(o => o.Failed).ToList());
    }

    [Fact]
    public async Task ABatch_OfTwoDeployments_ScoresEachCopyOnItsOwnDeploymentsCandidate()
    {
        var (first, mirror) = await ShadowAsync("shadow-batch-a");
        var (second, _) = await ShadowAsync("shadow-batch-b");
        var run = Guid.NewGuid().ToString("N")[..8];
        var options = new ScoringOptions();
        var batch = Enumerable.Range(0, 6)
            .Select(i => (i % 3 == 0 ? second : first, i))
            .Select(p => new ShadowCopy(p.Item1.Name, $"{run}-{p.i}", default, null, options, [fixture.Rows[p.i % fixture.Rows.Count]], p.Item1.Stable))
            .ToList();

        mirror.ScoreBatch(batch, []);

        var seen = fixture.Observer.Seen.Where(o => o.Observation.RequestId.StartsWith(run, StringComparison.Ordinal)).Select(o => o.Observation).ToList();
        Assert.Equal(batch.Select(c => (c.RequestId, c.Deployment)).ToList(), seen.Select(o => (o.RequestId, o.Deployment)).ToList());
        Assert.All(seen, o => Assert.False(o.Failed));
    }

    private async Task<(ArmTable Table, ShadowMirror Mirror)> ShadowAsync(string name)
    {
        await fixture.CreateAsync(name, strategy: "shadow");
        await fixture.ApplyAsync(name, "2", strategy: "shadow");
        Assert.Equal(200, (await fixture.InvokeAsync(name)).Status); // takes the deployment in
        var host = fixture.Service<DeploymentArmHost>();
        await DeploymentSwitchTests.WaitForAsync(() => host.TableOf(name)?.Candidate is not null, "the shadow candidate to load");
        var mirror = fixture.Service<ShadowMirror>();
        await DeploymentSwitchTests.WaitForAsync(() => mirror.QueueLength == 0, "the copy of the first request to be scored");
        return (host.TableOf(name)!, mirror);
    }
}
