using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Keel.Core.Models;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.Server.Tests.Infrastructure;
using Keel.Server.Tests.Serving;

namespace Keel.Server.Tests.Auth;

/// <summary>
/// One trained model package for the tests of Keel's resource permissions and scoring tokens
/// (trained once per class), and the steps that put it behind a server: a registered model
/// <c>credit</c> version 1, a served model and a deployment of it.
/// </summary>
public sealed class KeelResourceFixture : IAsyncLifetime
{
    public const string Model = "credit";

    private string _folder = string.Empty;

    public string PackageDirectory { get; private set; } = string.Empty;

    public string[] Columns { get; private set; } = [];

    public JsonElement[] Row { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        _folder = Directory.CreateTempSubdirectory("keel-auth-resources-").FullName;
        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse(ServingFixture.Pipeline, Path.Combine(ServingFixture.RepositoryRoot(), "examples", "breast-cancer", "pipeline.yaml")),
            OutputDirectory = Path.Combine(_folder, "train"),
            ComputeImportance = false,
        });
        PackageDirectory = result.PackageDirectory;
        var contents = await ModelPackage.ReadAsync(result.PackageDirectory);
        Columns = contents.InputExample.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Row = contents.InputExample.GetProperty("data")[0].EnumerateArray().ToArray();
    }

    /// <summary>Registers <see cref="Model"/> version 1 on <paramref name="server"/>, as its admin.</summary>
    public async Task RegisterAsync(AuthServer server)
    {
        var admin = server.Admin();
        Assert.Equal(200, (await admin.ApiPostAsync("registered-models/create", new { name = Model })).Status);
        await Serving.HotSwapFixture.RegisterAsync(admin, server.Services, Model, PackageDirectory, corrupt: false);
    }

    /// <summary>One valid row as dataframe_split JSON.</summary>
    public string SplitBody() => JsonSerializer.Serialize(new { dataframe_split = new { columns = Columns, data = new[] { Row } } });

    /// <summary>POSTs one row to a scoring route, with a Bearer token when given.</summary>
    public async Task<ApiAnswer> ScoreAsync(HttpClient client, string path, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(SplitBody(), Encoding.UTF8, "application/json") };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return new ApiAnswer((int)response.StatusCode, json, text);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is reclaimed by the OS.
        }

        return ValueTask.CompletedTask;
    }
}
