using System.Text;
using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Tracking;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Server.Tests.Serving;

/// <summary>GET /metrics on the main server and the standalone host, checked with promtool and by count.</summary>
[Collection(ServingCollection.Name)]
public sealed class MetricsTests(ServingFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static string Series(string name, params (string Label, string Value)[] labels) =>
        $"{name}{{{string.Join(',', labels.Select(l => $"{l.Label}=\"{l.Value}\""))}}}";

    private static async Task<Dictionary<string, double>> ScrapeAndCheckAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var (exitCode, output) = await PrometheusText.PromtoolCheckAsync(text);
        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}:\n{output}\n--- /metrics ---\n{text}");
        return PrometheusText.Samples(text);
    }

    private string Records() => JsonSerializer.Serialize(new { dataframe_records = fixture.Records() });

    private string ColumnTensors() => JsonSerializer.Serialize(new
    {
        inputs = fixture.Columns.Select((c, i) => new { name = c, shape = new[] { fixture.Rows.Length }, datatype = "FP64", data = fixture.Rows.Select(r => r[i]).ToArray() }),
    });

    [Fact]
    public async Task MainServer_CountsRequestsErrorsRowsAndLatencyPerModelAndVersion_AndPromtoolAcceptsIt()
    {
        const string Name = "bc-metrics";
        var models = fixture.Factory.Services.GetRequiredService<ServedModelRegistry>();
        var served = await models.LoadDirectoryAsync(Name, fixture.PackageDirectory, _ct);
        try
        {
            var n = fixture.Rows.Length;
            Assert.Equal(200, (await fixture.PostAsync($"/serving/{Name}/invocations", Records())).Status);
            Assert.Equal(200, (await fixture.PostAsync($"/serving/{Name}/invocations", Records())).Status);
            Assert.Equal(200, (await fixture.PostAsync($"/v2/models/{Name}/versions/{served.Version}/infer", ColumnTensors())).Status);
            Assert.Equal(400, (await fixture.PostAsync($"/serving/{Name}/invocations", "{not json")).Status);
            Assert.Equal(415, (await fixture.PostAsync($"/serving/{Name}/invocations", "a,b\n1,2\n", "text/plain")).Status);
            Assert.Equal(400, (await fixture.PostAsync($"/v2/models/{Name}/infer", """{"inputs": []}""")).Status);
            // No served model answers these, so they have no model/version series to count in.
            Assert.Equal(404, (await fixture.PostAsync($"/v2/models/{Name}/versions/no-such-version/infer", ColumnTensors())).Status);
            Assert.Equal(404, (await fixture.PostAsync("/serving/not-served/invocations", Records())).Status);

            var samples = await ScrapeAndCheckAsync(fixture.Client);

            var model = new[] { ("model", Name), ("version", served.Version) };
            Assert.Equal(6, samples[Series("keel_serving_requests_total", model)]);
            Assert.Equal(3 * n, samples[Series("keel_serving_rows_scored_total", model)]);
            Assert.Equal(2, samples[Series("keel_serving_request_errors_total", [.. model, ("kind", "client_error"), ("code", "400")])]);
            Assert.Equal(1, samples[Series("keel_serving_request_errors_total", [.. model, ("kind", "client_error"), ("code", "415")])]);
            Assert.Equal(3, samples.Where(s => s.Key.StartsWith("keel_serving_request_errors_total{model=\"bc-metrics\"", StringComparison.Ordinal)).Sum(s => s.Value));
            Assert.Equal(6, samples[Series("keel_serving_request_duration_seconds_count", model)]);
            Assert.Equal(6, samples[Series("keel_serving_request_duration_seconds_bucket", [.. model, ("le", "+Inf")])]);
            Assert.InRange(samples[Series("keel_serving_request_duration_seconds_sum", model)], 1e-7, 60);
            Assert.DoesNotContain(samples.Keys, k => k.Contains("not-served", StringComparison.Ordinal) || k.Contains("no-such-version", StringComparison.Ordinal));
            Assert.Equal(models.All.Count, samples["keel_serving_models_served"]);
            Assert.True(samples["keel_serving_models_served"] >= 2);
            Assert.Equal(samples["keel_serving_models_served"], samples["keel_serving_models_ready"]);
            Assert.Contains("process_cpu_seconds_total", samples.Keys);
        }
        finally
        {
            models.Remove(Name);
        }
    }

    [Fact]
    public async Task MainServer_CountsModelLoadsAndLoadFailuresThroughTheAdminApi()
    {
        var client = fixture.Client;
        var failing = "bc-load-fails-" + Guid.NewGuid().ToString("N")[..8];
        var missing = await client.ApiPostAsync("/api/2.0/keel/serving/models", new { name = failing, model_uri = $"models:/no-such-model-{Guid.NewGuid():N}/1" });
        Assert.Equal(404, missing.Status);

        var registered = "bc-metrics-registry-" + Guid.NewGuid().ToString("N")[..8];
        await RegisterPackageAsync(registered);
        var loading = "bc-loaded-" + Guid.NewGuid().ToString("N")[..8];
        var loaded = await client.ApiPostAsync("/api/2.0/keel/serving/models", new { name = loading, model_uri = $"models:/{registered}/1" });
        Assert.Equal(200, loaded.Status);
        try
        {
            var samples = await ScrapeAndCheckAsync(client);

            Assert.Equal(1, samples[Series("keel_serving_model_load_failures_total", ("model", failing))]);
            Assert.DoesNotContain(Series("keel_serving_model_loads_total", ("model", failing)), samples.Keys);
            Assert.Equal(1, samples[Series("keel_serving_model_loads_total", ("model", loading))]);
            Assert.DoesNotContain(Series("keel_serving_model_load_failures_total", ("model", loading)), samples.Keys);
            Assert.Equal(1, samples[Series("keel_serving_model_load_duration_seconds_count", ("model", loading))]);
            Assert.Equal(1, samples[Series("keel_serving_model_load_duration_seconds_count", ("model", failing))]);
        }
        finally
        {
            Assert.Equal(200, (await client.ApiSendAsync(HttpMethod.Delete, "/api/2.0/keel/serving/models/" + loading)).Status);
        }
    }

    [Fact]
    public async Task StandaloneHost_HasItsOwnMetrics_AndPromtoolAcceptsThem()
    {
        var model = await ServedModel.LoadAsync("bc-single-metrics", fixture.PackageDirectory, "4", "models:/bc-single-metrics/4", _ct);
        await using var app = ServingApp.BuildSingle(model, "http://127.0.0.1:0");
        await app.StartAsync(_ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        using (var good = new StringContent(Records(), Encoding.UTF8, "application/json"))
        {
            Assert.Equal(200, (int)(await client.PostAsync("/invocations", good, _ct)).StatusCode);
        }

        using (var bad = new StringContent("""{"dataframe_records": [{"no_such_column": 1}]}""", Encoding.UTF8, "application/json"))
        {
            Assert.Equal(400, (int)(await client.PostAsync("/invocations", bad, _ct)).StatusCode);
        }

        var samples = await ScrapeAndCheckAsync(client);
        await app.StopAsync(_ct);

        var labels = new[] { ("model", "bc-single-metrics"), ("version", "4") };
        Assert.Equal(2, samples[Series("keel_serving_requests_total", labels)]);
        Assert.Equal(fixture.Rows.Length, samples[Series("keel_serving_rows_scored_total", labels)]);
        Assert.Equal(1, samples[Series("keel_serving_request_errors_total", [.. labels, ("kind", "client_error"), ("code", "400")])]);
        Assert.Equal(1, samples["keel_serving_models_served"]);
        Assert.Equal(1, samples["keel_serving_models_ready"]);
        Assert.Equal(1, samples[Series("keel_serving_model_loads_total", ("model", "bc-single-metrics"))]);
        // Its own registry: nothing the main server's tests scored shows up here.
        Assert.DoesNotContain(samples.Keys, k => k.Contains("model=\"bc\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Callbacks_AreReadAtScrapeTime_FailingOnesDoNotBreakTheScrape_StaleModelSeriesGo()
    {
        var folder = Directory.CreateTempSubdirectory("keel-metrics-").FullName;
        try
        {
            var models = new ServedModelRegistry(folder);
            var metrics = new ServingMetrics(models, NullLogger<ServingMetrics>.Instance, processMetrics: false);
            long writes = 10, drops = 1, queue = 3;
            metrics.ObservePredictionLog(() => writes, r => r == PredictionLogDropReason.QueueBytes ? drops : 0, () => queue, () => queue * 100);
            metrics.ObserveEnginePoolSize(m => m.Name == "a" ? 4 : 2);
            metrics.ObserveGauge("keel_test_broken", "A callback that throws.", () => throw new InvalidOperationException("broken"));
            models.Publish(await ServedModel.LoadAsync("a", fixture.PackageDirectory, "1", cancellationToken: _ct));
            models.Publish(await ServedModel.LoadAsync("b", fixture.PackageDirectory, "7", cancellationToken: _ct));

            var first = await CollectAsync(metrics);
            writes = 25;
            drops = 2;
            queue = 0;
            models.Remove("b");
            var second = await CollectAsync(metrics);

            Assert.Equal((10, 1, 3), (first["keel_serving_prediction_log_writes_total"], first[Series("keel_serving_prediction_log_drops_total", ("reason", "queue_bytes"))], first["keel_serving_prediction_log_queue_length"]));
            Assert.Equal((25, 2, 0), (second["keel_serving_prediction_log_writes_total"], second[Series("keel_serving_prediction_log_drops_total", ("reason", "queue_bytes"))], second["keel_serving_prediction_log_queue_length"]));
            Assert.Equal((0, 300, 0), (first[Series("keel_serving_prediction_log_drops_total", ("reason", "queue_full"))], first["keel_serving_prediction_log_queue_bytes"], second["keel_serving_prediction_log_queue_bytes"]));
            Assert.Equal(4, first[Series(ServingMetrics.EnginePoolSizeName, ("model", "a"), ("version", "1"))]);
            Assert.Equal(2, first[Series(ServingMetrics.EnginePoolSizeName, ("model", "b"), ("version", "7"))]);
            Assert.Equal((2, 1), (first["keel_serving_models_served"], second["keel_serving_models_served"]));
            Assert.DoesNotContain(Series(ServingMetrics.EnginePoolSizeName, ("model", "b"), ("version", "7")), second.Keys);
            Assert.Equal(0, second["keel_test_broken"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task RecordingARequest_AllocatesNothing_OnceTheModelsSeriesAreCached()
    {
        var metrics = new ServingMetrics(new ServedModelRegistry(fixture.Folder), processMetrics: false);
        var model = await ServedModel.LoadAsync("bc-alloc", fixture.PackageDirectory, "1", cancellationToken: _ct);
        var ok = Results.Ok();
        var bad = Results.BadRequest();
        var failure = new Keel.Core.Errors.KeelException(Keel.Core.Errors.ErrorCode.InvalidParameterValue, "bad row");
        for (var i = 0; i < 100; i++)
        {
            metrics.Start(model).Done(ok, 1);
            metrics.Start(model).Done(bad);
            metrics.Start(model).Failed(failure);
        }

        const int Requests = 10_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < Requests; i++)
        {
            metrics.Start(model).Done(ok, 1);
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        metrics.Start(model).Done(bad);
        metrics.Start(model).Failed(failure);
        var afterErrors = GC.GetAllocatedBytesForCurrentThread() - before - allocated;

        Assert.True(allocated == 0, $"{allocated} bytes allocated for {Requests} requests");
        Assert.True(afterErrors == 0, $"{afterErrors} bytes allocated recording two errors");
        TestContext.Current.TestOutputHelper?.WriteLine($"{elapsed.TotalMilliseconds * 1e6 / Requests:F0} ns per recorded request");
        var samples = await CollectAsync(metrics);
        Assert.Equal(Requests + 302, samples[Series("keel_serving_requests_total", ("model", "bc-alloc"), ("version", "1"))]);
        Assert.Equal(202, samples[Series("keel_serving_request_errors_total", ("model", "bc-alloc"), ("version", "1"), ("kind", "client_error"), ("code", "400"))]);
    }

    [Fact]
    public async Task Failed_CountsTheStatusTheErrorMiddlewareAnswers()
    {
        var metrics = new ServingMetrics(new ServedModelRegistry(fixture.Folder), processMetrics: false);
        var model = await ServedModel.LoadAsync("bc-status", fixture.PackageDirectory, "2", cancellationToken: _ct);
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();

        Assert.False(metrics.Start(model).Failed(Keel.Core.Errors.KeelException.NotFound("gone")));
        Assert.False(metrics.Start(model).Failed(new JsonException("bad")));
        Assert.False(metrics.Start(model).Failed(new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge)));
        // Regression: Kestrel's own status (408 here) was counted while the client got 400.
        Assert.False(metrics.Start(model).Failed(new BadHttpRequestException("request timed out", StatusCodes.Status408RequestTimeout)));
        Assert.False(metrics.Start(model, aborted.Token).Failed(new OperationCanceledException(aborted.Token)));
        Assert.False(metrics.Start(model).Failed(new OperationCanceledException()));
        Assert.False(metrics.Start(model).Failed(new InvalidOperationException("bug")));
        var samples = await CollectAsync(metrics);

        (string, string)[] labels = [("model", "bc-status"), ("version", "2")];
        Assert.Equal(1, samples[Series("keel_serving_request_errors_total", [.. labels, ("kind", "client_error"), ("code", "404")])]);
        Assert.Equal(2, samples[Series("keel_serving_request_errors_total", [.. labels, ("kind", "client_error"), ("code", "400")])]);
        Assert.Equal(1, samples[Series("keel_serving_request_errors_total", [.. labels, ("kind", "client_error"), ("code", "413")])]);
        Assert.False(samples.ContainsKey(Series("keel_serving_request_errors_total", [.. labels, ("kind", "client_error"), ("code", "408")])));
        Assert.Equal(1, samples[Series("keel_serving_request_errors_total", [.. labels, ("kind", "client_error"), ("code", "499")])]);
        Assert.Equal(2, samples[Series("keel_serving_request_errors_total", [.. labels, ("kind", "server_error"), ("code", "500")])]);
        Assert.Equal(7, samples[Series("keel_serving_requests_total", labels)]);
        Assert.Equal(0, samples[Series("keel_serving_rows_scored_total", labels)]);
    }

    [Fact]
    public void ErrorStatus_IsTheSameForTheClientAndTheMetrics()
    {
        Exception[] errors =
        [
            Keel.Core.Errors.KeelException.NotFound("gone"),
            new Keel.Core.Errors.KeelException(Keel.Core.Errors.ErrorCode.RequestTooLarge, "rows"),
            new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge),
            new BadHttpRequestException("timeout", StatusCodes.Status408RequestTimeout),
            new JsonException("bad"),
            new InvalidOperationException("bug"),
        ];
        foreach (var error in errors)
        {
            Assert.Equal(Keel.Server.Infrastructure.ErrorHandling.Classify(error, null).Status, Keel.Server.Infrastructure.ErrorHandling.StatusOf(error));
        }
    }

    private static async Task<Dictionary<string, double>> CollectAsync(ServingMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream, TestContext.Current.CancellationToken);
        var text = Encoding.UTF8.GetString(stream.ToArray());
        var (exitCode, output) = await PrometheusText.PromtoolCheckAsync(text);
        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}:\n{output}\n{text}");
        return PrometheusText.Samples(text);
    }

    /// <summary>Uploads the fixture's package as a run's model and registers it as version 1 of <paramref name="name"/>.</summary>
    private async Task RegisterPackageAsync(string name)
    {
        var client = fixture.Client;
        var runId = await client.CreateRunAsync(await client.CreateExperimentAsync());
        var run = await fixture.Factory.Services.GetRequiredService<ITrackingStore>().GetRunAsync(runId, _ct);
        var artifacts = fixture.Factory.Services.GetRequiredService<IArtifactStore>();
        var root = ArtifactUris.ToRelativePath(run.Info.ArtifactUri);
        foreach (var file in Directory.GetFiles(fixture.PackageDirectory))
        {
            await using var stream = File.OpenRead(file);
            await artifacts.WriteAsync($"{root}/model/{Path.GetFileName(file)}", stream, _ct);
        }

        Assert.Equal(200, (await client.ApiPostAsync("registered-models/create", new { name })).Status);
        Assert.Equal(200, (await client.ApiPostAsync("model-versions/create", new { name, source = $"runs:/{runId}/model", run_id = runId })).Status);
    }
}
