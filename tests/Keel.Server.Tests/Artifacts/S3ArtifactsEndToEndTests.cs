using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Keel.Client;
using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.Server.Tests.Serving;
using Keel.Storage.Artifacts.S3;
using Keel.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Artifacts;

/// <summary>
/// Keel's server with an <c>s3://</c> artifact root on a real S3-protocol server (s3rver): runs log
/// artifacts through MLflow's proxy API and through the Keel client and read them back byte-identical;
/// a 100 MiB file goes through as a multipart upload; a model registered from such a run is served,
/// its package read from the bucket.
/// </summary>
// Alone, after the parallel collections: the 100 MB upload's allocation bound is measured over the
// whole process, and other tests' allocations in the same seconds made it fail (65 MB seen).
[Collection(nameof(S3ArtifactsEndToEndTests))]
public sealed class S3ArtifactsEndToEndTests(S3TestServer s3) : IClassFixture<S3TestServer>, IAsyncLifetime
{
    private const string Prefix = "keel-artifacts";
    private const long PartSize = 5L * 1024 * 1024;
    private S3App _app = null!;
    private HttpClient _http = null!;
    private KeelClient _keel = null!;
    private string _bucket = string.Empty;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        s3.Require();
        _bucket = await s3.CreateBucketAsync();
        _app = new S3App(s3, $"s3://{_bucket}/{Prefix}");
        // Without redirects: WebApplicationFactory's redirect handler buffers request bodies to replay them.
        _http = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = _app.ClientOptions.BaseAddress });
        _keel = new KeelClient(_app.CreateClient(), new KeelClientOptions { MaxRetryAttempts = 0 });
    }

    public async ValueTask DisposeAsync()
    {
        _keel?.Dispose();
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Run_ArtifactsThroughProxyAndClient_LandInTheBucketAndReadBackByteIdentical()
    {
        var run = await _keel.CreateRunAsync("0", "s3-run", cancellationToken: Ct);
        var runId = run.Info.RunId;
        Assert.Equal($"mlflow-artifacts:/0/{runId}/artifacts", run.Info.ArtifactUri);
        Assert.Equal($"s3://{_bucket}/{Prefix}", _app.Services.GetRequiredService<IArtifactStore>().RootUri);

        // MLflow's proxy API: PUT the raw bytes, as mlflow's client does with --serve-artifacts.
        var proxied = Encoding.UTF8.GetBytes("{\"accuracy\": 0.93}");
        using (var put = await _http.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/0/{runId}/artifacts/eval/metrics.json", new ByteArrayContent(proxied), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        // The Keel client: a local folder, uploaded file by file under "data".
        var local = Directory.CreateTempSubdirectory("keel-s3-e2e-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(local, "in", "nested"));
            var rows = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 31)).ToArray();
            await File.WriteAllBytesAsync(Path.Combine(local, "in", "rows.bin"), rows, Ct);
            await File.WriteAllTextAsync(Path.Combine(local, "in", "nested", "notes 100%.txt"), "ünïcødé", Ct);
            await _keel.UploadRunArtifactsAsync(runId, Path.Combine(local, "in"), "data", Ct);

            var listed = await _keel.ListArtifactsAsync(runId, null, Ct);
            Assert.Equal(["data", "eval"], listed.Select(f => f.Path));
            Assert.All(listed, f => Assert.True(f.IsDir));
            var data = await _keel.ListArtifactsAsync(runId, "data", Ct);
            Assert.Equal([new Core.Protocol.FileInfo("data/nested", true), new Core.Protocol.FileInfo("data/rows.bin", false, rows.Length)], data);

            var downloaded = await _keel.DownloadRunArtifactsAsync(runId, null, Path.Combine(local, "out"), Ct);
            Assert.Equal(3, downloaded.Count);
            Assert.Equal(rows, await File.ReadAllBytesAsync(Path.Combine(local, "out", "data", "rows.bin"), Ct));
            Assert.Equal("ünïcødé", await File.ReadAllTextAsync(Path.Combine(local, "out", "data", "nested", "notes 100%.txt"), Ct));
            Assert.Equal(proxied, await File.ReadAllBytesAsync(Path.Combine(local, "out", "eval", "metrics.json"), Ct));
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }

        // What the bucket holds: every artifact under <prefix>/<experiment>/<run>/artifacts, nothing else.
        var runKeys = $"{Prefix}/0/{runId}/artifacts/";
        Assert.Equal(
            [runKeys + "data/nested/notes 100%.txt", runKeys + "data/rows.bin", runKeys + "eval/metrics.json"],
            (await s3.KeysAsync(_bucket)).Order(StringComparer.Ordinal));

        // And the proxy reads them back from the bucket.
        Assert.Equal(proxied, await _http.GetByteArrayAsync($"/api/2.0/mlflow-artifacts/artifacts/0/{runId}/artifacts/eval/metrics.json", Ct));
        using var escape = await _http.GetAsync($"/api/2.0/mlflow-artifacts/artifacts?path=0/{runId}/artifacts/../../../x", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, escape.StatusCode);
    }

    [Fact]
    public async Task HundredMegabyteArtifact_GoesThroughTheProxyAsAMultipartUpload_AndDownloadsByteIdentical()
    {
        const long size = (100L * 1024 * 1024) + 17;
        var run = await _keel.CreateRunAsync("0", "big", cancellationToken: Ct);
        var url = $"/api/2.0/mlflow-artifacts/artifacts/0/{run.Info.RunId}/artifacts/big/weights.bin";
        var store = (S3ArtifactStore)_app.Services.GetRequiredService<IArtifactStore>();
        var logBefore = s3.RequestLog.Count;

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using (var content = new StreamContent(new GeneratedStream(size, seed: 100), 64 * 1024))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var put = await _http.PutAsync(url, content, Ct);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        // On the S3 server's side: one multipart upload of 21 parts (20 of 5 MiB and the rest), completed.
        static bool Completed(string line) => line.Contains("weights.bin?uploadId=", StringComparison.Ordinal) && line.Contains(" 200 ", StringComparison.Ordinal);
        var requests = await s3.RequestsAsync(logBefore, lines => lines.Any(Completed));
        var log = string.Join(Environment.NewLine, requests.TakeLast(10));
        Assert.Equal(21, requests.Count(l => l.Contains("weights.bin?partNumber=", StringComparison.Ordinal) && l.Contains(" 200 ", StringComparison.Ordinal)));
        Assert.True(requests.Count(Completed) == 1, log);
        Assert.Equal(1, store.UploadCounts.MultipartUploads);

        // The whole process (client, server and SDK) allocated far less than the file: it was never held whole.
        Assert.True(allocated < size / 2, $"Uploading {size} bytes allocated {allocated} bytes.");

        using var download = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        await using var body = await download.Content.ReadAsStreamAsync(Ct);
        Assert.Equal(GeneratedStream.Sha256Of(size, seed: 100), await SHA256.HashDataAsync(body, Ct));
        var listed = await _keel.ListArtifactsAsync(run.Info.RunId, "big", Ct);
        Assert.Equal([new Core.Protocol.FileInfo("big/weights.bin", false, size)], listed);
    }

    [Fact]
    public async Task ModelRegisteredFromAnS3Run_IsServed_ItsPackageReadFromTheBucket()
    {
        var folder = Directory.CreateTempSubdirectory("keel-s3-model-").FullName;
        try
        {
            var source = Path.Combine(ServingFixture.RepositoryRoot(), "examples", "breast-cancer", "pipeline.yaml");
            var trained = await new TrainingRunner().RunAsync(
                new TrainingRunOptions { Pipeline = PipelineParser.Parse(ServingFixture.Pipeline, source), OutputDirectory = folder, ComputeImportance = false },
                Ct);
            var run = await _keel.CreateRunAsync("0", "train", cancellationToken: Ct);
            await _keel.UploadRunArtifactsAsync(run.Info.RunId, trained.PackageDirectory, "model", Ct);
            Assert.Contains(await s3.KeysAsync(_bucket), k => k.StartsWith($"{Prefix}/0/{run.Info.RunId}/artifacts/model/", StringComparison.Ordinal));

            await _keel.CreateRegisteredModelAsync("s3-model", null, null, new Actor("e2e"), Ct);
            var version = await _keel.CreateModelVersionAsync(
                new CreateModelVersionCommand("s3-model", $"runs:/{run.Info.RunId}/model", run.Info.RunId, null, null, null, null), new Actor("e2e"), Ct);
            var served = await _keel.ServeModelAsync("s3-served", $"models:/s3-model/{version.Version}", Ct);
            Assert.Equal("s3-served", served.Name);

            var contents = await Keel.Core.Models.ModelPackage.ReadAsync(trained.PackageDirectory);
            var columns = contents.InputExample.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
            var rows = contents.InputExample.GetProperty("data").EnumerateArray().ToArray();
            var records = rows.Select(r => columns.Zip(r.EnumerateArray()).ToDictionary(p => p.First, p => p.Second)).ToList();
            using var request = new StringContent(JsonSerializer.Serialize(new { dataframe_records = records }), Encoding.UTF8, "application/json");
            using var scored = await _http.PostAsync("/serving/s3-served/invocations", request, Ct);
            var text = await scored.Content.ReadAsStringAsync(Ct);
            Assert.True(scored.StatusCode == HttpStatusCode.OK, text);
            Assert.Equal(rows.Length, JsonDocument.Parse(text).RootElement.GetProperty("predictions").GetArrayLength());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The Keel app on a real Kestrel listener (port 0) over a fresh SQLite database, its artifacts in the
    /// bucket; S3 settings from <c>Keel:S3</c>, s3rver's credentials added.
    /// </summary>
    private sealed class S3App : WebApplicationFactory<Program>
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("keel-s3-app-").FullName;
        private readonly S3TestServer _s3;
        private readonly string _artifactsUri;

        public S3App(S3TestServer server, string root)
        {
            _s3 = server;
            _artifactsUri = root;
            UseKestrel(0);
            StartServer();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Keel:BackendStoreUri", "sqlite:///" + Path.Combine(_folder, "keel.db"));
            builder.UseSetting("Keel:ArtifactsUri", _artifactsUri);
            builder.UseSetting("Keel:Port", "0");
            builder.UseSetting("Keel:S3:EndpointUrl", _s3.EndpointUrl);
            builder.UseSetting("Keel:S3:MultipartThresholdBytes", PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Keel:S3:PartSizeBytes", PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Keel:Serving:CacheFolder", Path.Combine(_folder, "serving-cache"));
            builder.UseSetting("Keel:Deployments:Controller:Enabled", "false");
            builder.UseSetting("Keel:Monitoring:Scheduler:Enabled", "false");
            builder.ConfigureTestServices(services => services.AddSingleton(sp =>
            {
                var options = sp.GetRequiredService<IConfiguration>().GetSection(S3ArtifactStoreOptions.Section).Get<S3ArtifactStoreOptions>()!;
                options.Credentials = S3TestServer.Credentials;
                return options;
            }));
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the temp folder is reclaimed by the OS.
            }
        }
    }
}

/// <summary>Runs <see cref="S3ArtifactsEndToEndTests"/> with no other test at the same time.</summary>
[CollectionDefinition(nameof(S3ArtifactsEndToEndTests), DisableParallelization = true)]
public sealed class S3ArtifactsEndToEndCollection;
