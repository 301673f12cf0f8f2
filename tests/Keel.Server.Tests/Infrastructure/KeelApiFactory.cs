using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace Keel.Server.Tests.Infrastructure;

/// <summary>A Keel server in memory on a fresh SQLite database and artifact folder.</summary>
public sealed class KeelApiFactory : WebApplicationFactory<Program>
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("keel-api-").FullName;

    /// <summary>The SQLite database the server uses.</summary>
    public string DatabasePath => Path.Combine(Folder, "keel.db");

    /// <summary>
    /// Extra configuration (e.g. <c>Keel:Limits:MaxTagsPerEntity</c>); set before the first client is created.
    /// The deployment controller is off unless a test turns it on, so API tests see the rollout they applied, unmoved;
    /// so is the monitoring scheduler, so they see only the monitoring windows they ask for.
    /// </summary>
    public Dictionary<string, string> Settings { get; } = new()
    {
        ["Keel:Deployments:Controller:Enabled"] = "false",
        ["Keel:Monitoring:Scheduler:Enabled"] = "false",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Keel:BackendStoreUri", "sqlite:///" + DatabasePath);
        builder.UseSetting("Keel:ArtifactsUri", Path.Combine(Folder, "artifacts"));
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is reclaimed by the OS.
        }
    }
}

/// <summary>A parsed API answer.</summary>
public sealed record ApiAnswer(int Status, JsonElement Json, string Body)
{
    public string? ErrorCode => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("error_code", out var c) ? c.GetString() : null;

    public JsonElement this[string property] => Json.GetProperty(property);
}

/// <summary>Small helpers for calling the MLflow API in tests.</summary>
public static class ApiClientExtensions
{
    public const string Base = "/api/2.0/mlflow/";

    public static async Task<ApiAnswer> ApiPostAsync(this HttpClient client, string path, object body, string contentType = "application/json")
    {
        var json = body as string ?? JsonSerializer.Serialize(body);
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await client.PostAsync(path.StartsWith('/') ? path : Base + path, content);
        return await ReadAsync(response);
    }

    public static async Task<ApiAnswer> ApiSendAsync(this HttpClient client, HttpMethod method, string path, object? body = null, string? user = null)
    {
        using var request = new HttpRequestMessage(method, path.StartsWith('/') ? path : Base + path);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        if (user is not null)
        {
            request.Headers.Add("X-Keel-User", user);
        }

        using var response = await client.SendAsync(request);
        return await ReadAsync(response);
    }

    public static async Task<ApiAnswer> ApiGetAsync(this HttpClient client, string pathAndQuery)
    {
        using var response = await client.GetAsync(pathAndQuery.StartsWith('/') ? pathAndQuery : Base + pathAndQuery);
        return await ReadAsync(response);
    }

    private static async Task<ApiAnswer> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        JsonElement json = default;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0)
        {
            json = JsonDocument.Parse(text).RootElement.Clone();
        }

        return new ApiAnswer((int)response.StatusCode, json, text);
    }

    public static async Task<string> CreateExperimentAsync(this HttpClient client, string? name = null)
    {
        var answer = await client.ApiPostAsync("experiments/create", new { name = name ?? "exp-" + Guid.NewGuid().ToString("N") });
        Assert.Equal(200, answer.Status);
        return answer["experiment_id"].GetString()!;
    }

    public static async Task<string> CreateRunAsync(this HttpClient client, string experimentId)
    {
        var answer = await client.ApiPostAsync("runs/create", new { experiment_id = experimentId, start_time = 1000, run_name = "r" });
        Assert.Equal(200, answer.Status);
        return answer["run"].GetProperty("info").GetProperty("run_id").GetString()!;
    }
}
