using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Ui.Tests.Infrastructure;

/// <summary>A real <c>keel server</c> (Kestrel on a free loopback port, SQLite and a temp artifact folder) in this process, with REST helpers to seed it.</summary>
public sealed class KeelUiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private KeelUiServer(WebApplication app, string folder, Uri address)
    {
        _app = app;
        _folder = folder;
        Address = address;
        Http = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public static async Task<KeelUiServer> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("keel-ui-").FullName;
        // The pages show deployments as the tests leave them: no controller moves them (their versions are registrations without a loadable model).
        var app = KeelServerApp.Build(["--Keel:Deployments:Controller:Enabled=false", "--Keel:Monitoring:Scheduler:Enabled=false"], o =>
        {
            o.Port = 0;
            o.BackendStoreUri = "sqlite:///" + Path.Combine(folder, "keel.db");
            o.ArtifactsUri = Path.Combine(folder, "artifacts");
        });
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KeelUiServer(app, folder, new Uri($"http://127.0.0.1:{new Uri(bound).Port}/"));
    }

    public async Task<JsonNode> PostAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(path.StartsWith('/') ? path : "/api/2.0/mlflow/" + path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
    }

    public async Task<string> CreateExperimentAsync(string name) =>
        (string)(await PostAsync("experiments/create", new { name }))["experiment_id"]!;

    /// <summary>Creates a run and logs params, a metric history (step → value) per metric, and tags, in one batch.</summary>
    public async Task<Run> CreateRunAsync(string experimentId, string name, IReadOnlyDictionary<string, string>? parameters = null,
        IReadOnlyDictionary<string, double[]>? metrics = null, IReadOnlyDictionary<string, string>? tags = null, long startTime = 1_700_000_000_000)
    {
        var info = (await PostAsync("runs/create", new { experiment_id = experimentId, run_name = name, start_time = startTime }))["run"]!["info"]!;
        var run = new Run((string)info["run_id"]!, (string)info["artifact_uri"]!);
        var metricRows = (metrics ?? new Dictionary<string, double[]>()).SelectMany(m => m.Value.Select((v, step) => new { key = m.Key, value = v, timestamp = startTime + step, step })).ToArray();
        await PostAsync("runs/log-batch", new
        {
            run_id = run.Id,
            @params = (parameters ?? new Dictionary<string, string>()).Select(p => new { key = p.Key, value = p.Value }).ToArray(),
            metrics = metricRows,
            tags = (tags ?? new Dictionary<string, string>()).Select(t => new { key = t.Key, value = t.Value }).ToArray(),
        });
        return run;
    }

    /// <summary>Uploads a file into a run's artifacts through the artifact proxy (each path segment encoded).</summary>
    public async Task UploadArtifactAsync(Run run, string path, byte[] content)
    {
        var root = run.ArtifactUri["mlflow-artifacts:".Length..].TrimStart('/');
        var url = "/api/2.0/mlflow-artifacts/artifacts/" + string.Join('/', (root + "/" + path).Split('/').Select(Uri.EscapeDataString));
        using var response = await Http.PutAsync(url, new ByteArrayContent(content));
        Assert.True(response.IsSuccessStatusCode, $"upload {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonElement> GetJsonAsync(string path) =>
        JsonDocument.Parse(await Http.GetStringAsync(path)).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A run made by <see cref="KeelUiServer.CreateRunAsync"/>.</summary>
public sealed record Run(string Id, string ArtifactUri);
