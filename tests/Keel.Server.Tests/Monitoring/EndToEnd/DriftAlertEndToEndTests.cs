using System.Text.Json;
using Keel.ML.Packaging;

namespace Keel.Server.Tests.Monitoring.EndToEnd;

/// <summary>
/// Drift alerts end to end: a real credit model on a real server, its real predictions for held-out
/// credit rows logged window by window, a monitor applied through <c>monitors/apply</c>, passes run
/// through <c>POST monitoring/run</c>, alerts read back through <c>alerts/list</c> and <c>alerts/history</c>.
/// </summary>
[Collection(CreditStreamCollection.Name)]
public sealed class DriftAlertEndToEndTests(CreditStream credit)
{
    private const int WindowRows = 300;

    /// <summary>The drift engine's per-feature significance level (p-value tests, BH-corrected within a window).</summary>
    private const double Alpha = 0.05;

    /// <summary>Two drifted input features of thirteen (0.154) breach; one (0.077) does not.</summary>
    private static object Monitor(params object[] notifiers) => new
    {
        model = MonitoredServer.Model,
        interval_seconds = 60,
        window_seconds = 60,
        rules = new object[] { new { name = "inputs-drifted", kind = "drifted_share", threshold = 0.1, @for = 2, severity = "critical" } },
        notifiers,
    };

    [Fact]
    public async Task DriftInjectedFromWindowTwo_GoesPendingAtWindowTwo_AndFiresAtWindowThree_WithEvidence()
    {
        await using var server = await MonitoredServer.StartAsync(credit);
        await server.ApplyAsync(Monitor());
        const int injectedAt = 2;
        const int windows = 5;
        for (var w = 0; w < windows; w++)
        {
            var (rows, predictions) = Window(w, w >= injectedAt ? 3 : 1);
            await server.LogWindowAsync(credit, w, rows, predictions);
        }

        var states = new List<string?>();
        for (var w = 0; w < windows; w++)
        {
            var (stored, changes) = await server.RunAsync(w);
            var window = Assert.Single(stored.EnumerateArray());
            Assert.Equal((WindowRows, server.EndOf(w)), (window.GetProperty("input_rows").GetInt32(), window.GetProperty("end_ms").GetInt64()));
            var drifted = DriftedInputs(window);
            if (w < injectedAt)
            {
                Assert.True(drifted.Length == 0, $"window {w}: {string.Join(", ", drifted)}");
                Assert.Empty(changes.EnumerateArray());
            }
            else
            {
                Assert.Equal(["Amount", "Income"], drifted);
                Assert.Equal(2.0 / 13, window.GetProperty("drifted_share").GetDouble(), 6);
            }

            states.Add(changes.EnumerateArray().Select(c => c.GetProperty("to").GetString()).SingleOrDefault());
        }

        // for: 2 — pending at the first drifted window, firing at the next, nothing more while it goes on.
        Assert.Equal([null, null, "pending", "firing", null], states);
        var alert = Assert.Single(await server.AlertsAsync());
        Assert.Equal(("inputs-drifted", "drifted_share", "critical", "firing", "1"), (alert.GetProperty("rule").GetString(), alert.GetProperty("kind").GetString(), alert.GetProperty("severity").GetString(), alert.GetProperty("state").GetString(), alert.GetProperty("version").GetString()));
        Assert.Single(await server.AlertsAsync("firing"));

        var history = await server.HistoryAsync();
        Assert.Equal([(null, "pending"), ("pending", "firing")], history.Select(e => (e.TryGetProperty("from", out var from) ? from.GetString() : null, e.GetProperty("to").GetString())));
        for (var i = 0; i < history.Length; i++)
        {
            var evidence = history[i].GetProperty("evidence");
            Assert.Equal(2.0 / 13, evidence.GetProperty("value").GetDouble(), 6);
            Assert.Equal(0.1, evidence.GetProperty("threshold").GetDouble());
            Assert.Equal("breach", evidence.GetProperty("verdict").GetString());
            Assert.Equal(i + 1, evidence.GetProperty("breaches").GetInt32());
            Assert.Equal(server.EndOf(injectedAt + i), evidence.GetProperty("window").GetProperty("end_ms").GetInt64());
            var features = evidence.GetProperty("drifted_features").EnumerateArray().Select(f => f.GetString()).ToArray();
            Assert.Contains("Income", features);
            Assert.Contains("Amount", features);
        }
    }

    [Fact]
    public async Task TheSameStreamWithoutInjection_OverThirtySixWindows_FiresNothing_AndDriftsNoMoreOftenThanAlphaAllows()
    {
        await using var server = await MonitoredServer.StartAsync(credit);
        await server.ApplyAsync(Monitor());
        const int windows = 36;
        var random = new Random(2024);
        for (var w = 0; w < windows; w++)
        {
            // Each window a fresh random draw of 300 held-out rows (the stream has 1,781): no injection.
            var picked = Enumerable.Range(0, credit.Rows.Count).ToArray();
            random.Shuffle(picked);
            picked = picked[..WindowRows];
            await server.LogWindowAsync(credit, w, [.. picked.Select(i => credit.Rows[i])], [.. picked.Select(i => credit.Predictions[i])]);
        }

        var anyDrift = 0;
        var datasetDrift = 0;
        var changes = 0;
        for (var w = 0; w < windows; w++)
        {
            var (stored, alertChanges) = await server.RunAsync(w);
            var window = Assert.Single(stored.EnumerateArray());
            Assert.Equal(WindowRows, window.GetProperty("input_rows").GetInt32());
            foreach (var feature in window.GetProperty("features").EnumerateArray().Where(f => f.GetProperty("p_value").ValueKind == JsonValueKind.Number))
            {
                Assert.Equal(Alpha, feature.GetProperty("threshold").GetDouble());
            }

            anyDrift += DriftedInputs(window).Length > 0 ? 1 : 0;
            datasetDrift += window.GetProperty("dataset_drift").GetBoolean() ? 1 : 0;
            changes += alertChanges.GetArrayLength();
        }

        // Under no drift, with BH over a window's features, a window has any drifted feature with
        // probability at most α; over independent windows that count is at most Binomial(n, α),
        // whose 99% quantile bounds it here (n = 36, α = 0.05: 5).
        var bound = BinomialQuantile(windows, Alpha, 0.99);
        TestContext.Current.TestOutputHelper?.WriteLine($"{windows} windows: {anyDrift} with a drifted input feature, {datasetDrift} with dataset drift; 99% bound {bound}");
        Assert.Equal(5, bound);
        Assert.True(anyDrift <= bound, $"{anyDrift} of {windows} windows had a drifted input feature; the 99% bound at α = {Alpha} is {bound}.");
        Assert.True(datasetDrift <= anyDrift, $"{datasetDrift} windows with dataset drift.");
        Assert.Equal(0, changes);
        Assert.Empty(await server.AlertsAsync());
        Assert.Empty(await server.HistoryAsync());
    }

    /// <summary>Window <paramref name="w"/>'s 300 consecutive stream rows, Income and Amount times <paramref name="factor"/>, with the model's predictions for them.</summary>
    private (Dictionary<string, JsonElement>[] Rows, IReadOnlyList<ModelPrediction> Predictions) Window(int w, double factor)
    {
        var indices = Enumerable.Range(w * WindowRows, WindowRows).ToArray();
        if (factor == 1)
        {
            return ([.. indices.Select(i => credit.Rows[i])], [.. indices.Select(i => credit.Predictions[i])]);
        }

        var rows = indices.Select(i => credit.Scaled(i, factor, "Income", "Amount")).ToArray();
        return (rows, credit.Score(rows));
    }

    /// <summary>The input features the stored window says drifted, sorted.</summary>
    internal static string[] DriftedInputs(JsonElement window) =>
        [.. window.GetProperty("features").EnumerateArray()
            .Where(f => f.GetProperty("kind").GetString() == "input" && f.GetProperty("drifted").GetBoolean())
            .Select(f => f.GetProperty("feature").GetString()!)
            .Order(StringComparer.Ordinal)];

    /// <summary>The smallest c with P(X ≤ c) ≥ <paramref name="level"/> for X ~ Binomial(<paramref name="n"/>, <paramref name="p"/>), exactly.</summary>
    internal static int BinomialQuantile(int n, double p, double level)
    {
        var cumulative = 0.0;
        for (var c = 0; c <= n; c++)
        {
            cumulative += Math.Exp(LogChoose(n, c) + (c * Math.Log(p)) + ((n - c) * Math.Log(1 - p)));
            if (cumulative >= level)
            {
                return c;
            }
        }

        return n;
    }

    private static double LogChoose(int n, int k)
    {
        var sum = 0.0;
        for (var i = 1; i <= k; i++)
        {
            sum += Math.Log(n - k + i) - Math.Log(i);
        }

        return sum;
    }
}
