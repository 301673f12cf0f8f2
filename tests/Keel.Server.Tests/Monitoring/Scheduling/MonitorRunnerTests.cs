using Keel.Core.Errors;
using Keel.Core.Monitoring;
using Keel.Core.Predictions;

namespace Keel.Server.Tests.Monitoring.Scheduling;

/// <summary>The monitor runner over real traffic of real models, served directly and through a canary deployment.</summary>
[Collection(MonitorCollection.Name)]
public sealed class MonitorRunnerTests(MonitorFixture fixture)
{
    private const long WindowMs = 300_000;

    [Fact]
    public async Task Run_OverServedTraffic_StoresOneWindowPerSeries_WithTrafficLatencyDriftQualityAndPerformance()
    {
        fixture.Time.Advance(TimeSpan.FromHours(1));
        var rows = Sample(seed: 1, 300);
        var direct = new List<Scored>();
        var deployed = new List<Scored>();
        for (var i = 0; i < 150; i++)
        {
            direct.Add(await fixture.ScoreAsync("/serving/" + MonitorFixture.Model, rows[i], $"run-d-{i}"));
            deployed.Add(await fixture.ScoreAsync("/deployments/" + MonitorFixture.Deployment, rows[150 + i], $"run-c-{i}"));
        }

        await fixture.FlushAsync();
        foreach (var scored in direct.Concat(deployed))
        {
            await fixture.FeedbackAsync(scored);
        }

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var end = fixture.NowMs;
        var result = await fixture.Runner.RunAsync(MonitorFixture.Model, end, TestContext.Current.CancellationToken);

        var arms = deployed.GroupBy(s => (s.Version, s.Arm)).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(1 + arms.Count, result.Windows.Count);
        Assert.All(result.Windows, w => Assert.Equal((end - WindowMs, end, MonitorFixture.Model), (w.StartMs, w.EndMs, w.Model)));
        Assert.All(result.Windows, w => Assert.True(w.Id > 0));

        var mine = result.Windows.Single(w => w.Deployment is null);
        Assert.Equal(("1", 150L, 150L), (mine.Version, mine.Requests, mine.InputRows));
        Assert.Equal("training", mine.ReferenceSource);
        Assert.Equal(0, mine.Errors);
        var logged = await LatenciesAsync(end, r => r.Deployment is null);
        Assert.Equal(Quantile(logged, 0.5), mine.LatencyP50Us);
        Assert.Equal(Quantile(logged, 0.99), mine.LatencyP99Us);
        Assert.Equal(fixture.Columns.Order(StringComparer.Ordinal), mine.Features.Where(f => f.Kind == "input").Select(f => f.Feature).Order(StringComparer.Ordinal));
        Assert.Contains(mine.Features, f => f is { Kind: "prediction", Feature: "probability" });
        Assert.NotNull(mine.DriftedShare);
        Assert.NotNull(mine.Quality);
        var performance = mine.Performance!;
        Assert.Equal(("auc", true, 150L), (performance.Metric, performance.HigherIsBetter, performance.LabelledRows));
        Assert.Equal(Auc(direct), performance.Value!.Value, 12);
        Assert.Equal(fixture.Validation["roc_auc"], performance.Validation);
        Assert.Null(performance.Estimated);

        foreach (var ((version, arm), scored) in arms)
        {
            var window = result.Windows.Single(w => w.Deployment == MonitorFixture.Deployment && w.Arm == arm);
            Assert.Equal((version, (long)scored.Count), (window.Version, window.Requests));
            Assert.Equal(scored.Count, window.Performance!.LabelledRows);
            if (scored.Count < 100)
            {
                // Fewer rows than min_rows (100 by default): traffic and labels only, no drift or quality verdict.
                Assert.Empty(window.Features);
                Assert.Null(window.DriftedShare);
                Assert.Null(window.Quality);
            }
        }

        var stored = await fixture.Store.ListWindowsAsync(new MonitorWindowQuery(MonitorFixture.Model, FromMs: end - 1, ToMs: end), TestContext.Current.CancellationToken);
        Assert.Equal(result.Windows.Select(w => w.Id).Order(), stored.Items.Select(w => w.Id).Order());
    }

    [Fact]
    public async Task Run_EveryInterval_StoresWindowsAsATimeSeries_AndDriftShowsInTheWindowItHappenedIn()
    {
        fixture.Time.Advance(TimeSpan.FromHours(1));
        var start = fixture.NowMs;
        var rows = Sample(seed: 2, 240);
        for (var w = 0; w < 2; w++)
        {
            for (var i = 0; i < 120; i++)
            {
                // Window 1: every input reported three times as large.
                await fixture.ScoreAsync("/serving/" + MonitorFixture.Model, rows[(w * 120) + i], $"series-{w}-{i}", scale: w == 1 ? 3 : 1);
            }

            await fixture.FlushAsync();
            fixture.Time.Advance(TimeSpan.FromMilliseconds(WindowMs));
            await fixture.Runner.RunAsync(MonitorFixture.Model, fixture.NowMs, TestContext.Current.CancellationToken);
        }

        var series = await fixture.Store.ListWindowsAsync(new MonitorWindowQuery(MonitorFixture.Model, Version: "1", FromMs: start, MaxResults: 10), TestContext.Current.CancellationToken);
        var direct = series.Items.Where(w => w.Deployment is null).ToList();
        Assert.Equal([(start, start + WindowMs), (start + WindowMs, start + (2 * WindowMs))], direct.Select(w => (w.StartMs, w.EndMs)));
        Assert.All(direct, w => Assert.Equal(120, w.Requests));
        Assert.False(direct[0].DatasetDrift, string.Join(", ", direct[0].Features.Where(f => f.Drifted).Select(f => f.Feature)));
        Assert.True(direct[1].DatasetDrift);
        Assert.True(direct[1].DriftedShare > 0.5);
        Assert.False(direct[1].Quality!.Passed);
    }

    [Fact]
    public async Task Run_WhenTheModelWentQuiet_SeriesWithRecentTrafficGetAnEmptyWindow_UntilTheyAreLongSilent()
    {
        fixture.Time.Advance(TimeSpan.FromHours(1));
        await fixture.ScoreAsync("/serving/" + MonitorFixture.Model, 0, "quiet-0");
        await fixture.FlushAsync();
        fixture.Time.Advance(TimeSpan.FromMilliseconds(WindowMs));
        var busy = await fixture.Runner.RunAsync(MonitorFixture.Model, fixture.NowMs, TestContext.Current.CancellationToken);
        Assert.Equal(1, busy.Windows.Single().Requests);

        fixture.Time.Advance(TimeSpan.FromMilliseconds(WindowMs));
        var quiet = await fixture.Runner.RunAsync(MonitorFixture.Model, fixture.NowMs, TestContext.Current.CancellationToken);
        var silent = Assert.Single(quiet.Windows, w => w.Deployment is null);
        Assert.Equal((0L, null, null), (silent.Requests, silent.LatencyP50Us, silent.Performance));
        Assert.All(quiet.Windows, w => Assert.Equal(0, w.Requests));

        fixture.Time.Advance(TimeSpan.FromHours(25));
        var forgotten = await fixture.Runner.RunAsync(MonitorFixture.Model, fixture.NowMs, TestContext.Current.CancellationToken);
        Assert.Empty(forgotten.Windows);
    }

    [Fact]
    public async Task Run_ForAModelNeitherRegisteredNorLogged_IsResourceDoesNotExist()
    {
        var error = await Assert.ThrowsAsync<KeelException>(() => fixture.Runner.RunAsync("never-heard-of", fixture.NowMs, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.Code);
    }

    /// <summary>Distinct data set rows in a random order.</summary>
    private int[] Sample(int seed, int count)
    {
        var rows = Enumerable.Range(0, fixture.Rows.Length).ToArray();
        new Random(seed).Shuffle(rows);
        return rows[..count];
    }

    private async Task<double[]> LatenciesAsync(long end, Func<PredictionLogRecord, bool> keep)
    {
        var page = await fixture.Service<IPredictionStore>().SearchAsync(new PredictionQuery(MonitorFixture.Model, end - WindowMs, end, PredictionQuery.MaxPageSize), TestContext.Current.CancellationToken);
        var values = page.Items.Select(i => i.Record).Where(keep).Select(r => (double)r.LatencyMicroseconds).ToArray();
        Array.Sort(values);
        return values;
    }

    /// <summary>numpy's default (linear) quantile.</summary>
    private static double Quantile(double[] sorted, double level)
    {
        var position = level * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((sorted[high] - sorted[low]) * (position - low));
    }

    /// <summary>ROC AUC by counting pairs: P(score of a positive row &gt; score of a negative row), ties half. The positive class is the one the highest probability was given to.</summary>
    private double Auc(IReadOnlyList<Scored> scored)
    {
        var positive = scored.MaxBy(s => s.Probability)!.Label;
        var pos = scored.Where(s => fixture.Truth[s.Row] == positive).Select(s => s.Probability).ToArray();
        var neg = scored.Where(s => fixture.Truth[s.Row] != positive).Select(s => s.Probability).ToArray();
        double wins = 0;
        foreach (var p in pos)
        {
            foreach (var n in neg)
            {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }

        return wins / ((double)pos.Length * neg.Length);
    }
}
