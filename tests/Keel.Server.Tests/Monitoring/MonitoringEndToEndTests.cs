using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Monitoring.Monitors;
using Keel.Monitoring.Reference;
using Keel.Server.Tests.Infrastructure;
using Keel.Server.Tests.Monitoring.EndToEnd;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Monitoring;

/// <summary>
/// A real credit model registered on a server (the end-to-end tests' shared <see cref="CreditStream"/>),
/// real predictions of it logged in the server's prediction log with drift injected at a known
/// window, and monitoring passes through the server's registered <see cref="IModelReferenceSource"/>
/// (the package's training sample).
/// </summary>
[Collection(CreditStreamCollection.Name)]
public sealed class MonitoringEndToEndTests(CreditStream credit) : IAsyncLifetime
{
    private const string Model = "credit-monitored";
    private const int WindowRows = 300;
    private const long WindowMs = 60_000;
    private readonly KeelApiFactory _factory = new();

    public async ValueTask InitializeAsync() => await Task.CompletedTask;

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task CreditModel_DriftInjectedAtWindowTwo_InputsAndPredictionsDriftFromThere_NotBefore()
    {
        var ct = TestContext.Current.CancellationToken;
        _ = _factory.CreateClient();
        await RegisterAsync(credit.PackageDirectory, ct);

        // Real predictions of the model for the held-out rows, logged one request per row; from
        // window 2 on, every applicant's income and amount are reported three times as high.
        const int injectedAt = 2;
        var inputs = credit.Inputs;
        var windows = credit.Rows.Count / WindowRows;
        var records = new List<PredictionLogRecord>();
        for (var r = 0; r < windows * WindowRows; r++)
        {
            var window = r / WindowRows;
            var row = credit.Scaled(r, window >= injectedAt ? 3 : 1, "Income", "Amount");
            var prediction = credit.Score([row])[0];
            var inputJson = "[[" + string.Join(',', inputs.Select(n => row[n].GetRawText())) + "]]";
            var outputJson = JsonSerializer.Serialize(new[] { new Dictionary<string, object?> { ["predicted_label"] = prediction.Label, ["probability"] = prediction.Probability } });
            records.Add(new PredictionLogRecord($"req-{r}", Model, "1", window * WindowMs + r % WindowRows, 80, 1, inputs, inputJson, outputJson));
        }

        // A request of another version in the same window is not this version's traffic.
        records.Add(records[0] with { RequestId = "other", ModelVersion = "2" });
        var log = _factory.Services.GetRequiredService<IPredictionStore>();
        await log.AppendAsync(records, ct);

        var source = _factory.Services.GetRequiredService<IModelReferenceSource>();
        var reference = await source.GetAsync(Model, "1", ct);
        Assert.Equal(ModelReferenceSource.TrainingSource, reference!.Source);
        // 1,000 of the 2,138 training-split rows: at most 1,000 reference values the automatic rule
        // picks p-value tests (KS, chi-square, z), which BH keeps calibrated on 300-row windows; the
        // distance tests it picks for larger references flag sampling noise of windows this small.
        Assert.Equal(1000, reference.Inputs.RowCount);
        var version = await ((ModelReferenceSource)source).GetContextAsync(Model, "1", ct);
        Assert.NotNull(version.TrainingProfile);

        for (var w = 0; w < windows; w++)
        {
            var pass = await MonitoringPass.RunAsync(log, new PredictionQuery(Model, w * WindowMs, (w + 1) * WindowMs), version, cancellationToken: ct);

            Assert.Equal(WindowRows, pass.InputRows);
            Assert.Equal(w == 0 ? 1 : 0, pass.OtherVersionRequests);
            var drifted = pass.InputDrift!.Columns.Where(c => c.Drifted).Select(c => c.Column).Order(StringComparer.Ordinal).ToArray();
            var probability = pass.PredictionDrift!.Columns.Single(c => c.Column == "probability");
            if (w < injectedAt)
            {
                Assert.True(drifted.Length == 0, $"window {w}: " + string.Join(", ", pass.InputDrift.Columns.Select(c => $"{c.Column} {c.Test} {c.Statistic:F3} thr={c.Threshold} {c.Drifted} ref={c.Reference} cur={c.Current}")));
                Assert.False(probability.Drifted, $"window {w}: probability {probability.Test} {probability.Statistic}");
                Assert.True(pass.Quality!.Passed, $"window {w}: " + string.Join("; ", pass.Quality.Checks.Where(c => c.Outcome == Core.Validation.Gates.GateOutcome.Failed).Select(c => c.Reason)));
            }
            else
            {
                Assert.Equal(["Amount", "Income"], drifted);
                Assert.True(probability.Drifted, $"window {w}: probability {probability.Test} {probability.Statistic}");
                Assert.False(pass.Quality!.Passed);
            }
        }

        // The whole log in small pages parsed on three workers gives the pass one page at a time on one core gives.
        var parallel = await MonitoringPass.RunAsync(log, new PredictionQuery(Model), version, new MonitoringPassOptions { PageSize = 97, ParseWorkers = 3 }, ct);
        var serial = await MonitoringPass.RunAsync(log, new PredictionQuery(Model), version, new MonitoringPassOptions { ParseWorkers = 1 }, ct);
        Assert.Equal((windows * WindowRows, 1L), (parallel.InputRows, parallel.OtherVersionRequests));
        Assert.Equal((serial.Requests, serial.InputRows, serial.PredictionRows, serial.OtherVersionRequests), (parallel.Requests, parallel.InputRows, parallel.PredictionRows, parallel.OtherVersionRequests));
        foreach (var (p, s) in parallel.InputDrift!.Columns.Concat(parallel.PredictionDrift!.Columns).Zip(serial.InputDrift!.Columns.Concat(serial.PredictionDrift!.Columns)))
        {
            Assert.Equal((s.Column, s.Test, s.Drifted), (p.Column, p.Test, p.Drifted));
            Assert.Equal(s.Statistic ?? double.NaN, p.Statistic ?? double.NaN, 12);
        }
    }

    /// <summary>Uploads the package into the server's artifact store and registers it as version 1.</summary>
    private async Task RegisterAsync(string package, CancellationToken ct)
    {
        var artifacts = _factory.Services.GetRequiredService<IArtifactStore>();
        foreach (var file in Directory.GetFiles(package, "*", SearchOption.AllDirectories))
        {
            await using var stream = File.OpenRead(file);
            await artifacts.WriteAsync("models/" + Model + "/" + Path.GetRelativePath(package, file).Replace('\\', '/'), stream, ct);
        }

        var registry = _factory.Services.GetRequiredService<IRegistryStore>();
        var actor = new Actor("test");
        await registry.CreateRegisteredModelAsync(Model, null, null, actor, ct);
        await registry.CreateModelVersionAsync(new CreateModelVersionCommand(Model, "mlflow-artifacts:/models/" + Model, null, null, null, null, null), actor, ct);
    }
}
