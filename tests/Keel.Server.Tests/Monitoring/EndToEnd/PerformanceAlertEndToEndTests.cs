namespace Keel.Server.Tests.Monitoring.EndToEnd;

/// <summary>
/// Performance alerts end to end: feedback labels posted through the serving feedback endpoint for
/// every logged request, true until a known window, then flipped for seven requests in ten; the
/// runner's realised AUC per window against the version's validation AUC (a <c>metric_drop</c> rule).
/// </summary>
[Collection(CreditStreamCollection.Name)]
public sealed class PerformanceAlertEndToEndTests(CreditStream credit)
{
    private const int WindowRows = 300;

    [Fact]
    public async Task LabelsFlippedFromWindowTwo_FireTheMetricDropRuleAtWindowTwo_AndNotBefore()
    {
        await using var server = await MonitoredServer.StartAsync(credit);
        await server.ApplyAsync(new
        {
            model = MonitoredServer.Model,
            interval_seconds = 60,
            window_seconds = 60,
            rules = new object[] { new { name = "auc-down", kind = "metric_drop", threshold = 0.15, severity = "critical" } },
        });
        const int degradedFrom = 2;
        const int windows = 4;
        for (var w = 0; w < windows; w++)
        {
            var indices = Enumerable.Range(w * WindowRows, WindowRows).ToArray();
            await server.LogWindowAsync(credit, w, [.. indices.Select(i => credit.Rows[i])], [.. indices.Select(i => credit.Predictions[i])]);
        }

        // The labels come later, one request at a time, through the real endpoint.
        var labels = Enumerable.Range(0, windows * WindowRows).Select(r =>
        {
            var (w, i) = (r / WindowRows, r % WindowRows);
            var label = credit.Labels[r];
            var flipped = w >= degradedFrom && i % 10 < 7 ? (label == "good" ? "bad" : "good") : label;
            return (Id: MonitoredServer.RequestId(w, i), Label: flipped);
        });
        await Parallel.ForEachAsync(labels, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken }, async (l, _) => await server.FeedbackAsync(l.Id, l.Label));

        var changes = new List<string?>();
        var values = new List<double>();
        double? validation = null;
        for (var w = 0; w < windows; w++)
        {
            var (stored, alertChanges) = await server.RunAsync(w);
            var performance = Assert.Single(stored.EnumerateArray()).GetProperty("performance");
            Assert.Equal(("auc", true, WindowRows), (performance.GetProperty("metric").GetString(), performance.GetProperty("higher_is_better").GetBoolean(), performance.GetProperty("labelled_rows").GetInt32()));
            validation = performance.GetProperty("validation").GetDouble();
            values.Add(performance.GetProperty("value").GetDouble());
            changes.Add(alertChanges.EnumerateArray().Select(c => c.GetProperty("to").GetString()).SingleOrDefault());
        }

        var shown = $"validation AUC {validation:F3}, windows {string.Join(", ", values.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}";
        TestContext.Current.TestOutputHelper?.WriteLine(shown);
        Assert.True(values.Take(degradedFrom).All(v => validation - v <= 0.15), shown);
        Assert.True(values.Skip(degradedFrom).All(v => validation - v > 0.15), shown);
        Assert.Equal([null, null, "firing", null], changes);
        var alert = Assert.Single(await server.AlertsAsync("firing"));
        Assert.Equal(("auc-down", "metric_drop"), (alert.GetProperty("rule").GetString(), alert.GetProperty("kind").GetString()));
        var fired = Assert.Single(await server.HistoryAsync());
        var evidence = fired.GetProperty("evidence");
        Assert.Equal(validation!.Value - values[degradedFrom], evidence.GetProperty("value").GetDouble(), 9);
        Assert.Equal(server.EndOf(degradedFrom), evidence.GetProperty("window").GetProperty("end_ms").GetInt64());
        Assert.Equal(WindowRows, evidence.GetProperty("window").GetProperty("performance").GetProperty("labelled_rows").GetInt32());
    }
}
