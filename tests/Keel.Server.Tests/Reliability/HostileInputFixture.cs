using System.Text;
using System.Text.Json;
using Keel.Core.Models;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;
using Keel.Server.Tests.Serving;
using Keel.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Reliability;

/// <summary>
/// Two hosts to attack: the main server (small limits, one served model <c>bc</c>, an experiment,
/// a run, a registered model with a version, a logged request) and the <c>keel serve</c> host
/// (model <c>bc-single</c>, with a prediction log). <see cref="SnapshotAsync"/> captures everything
/// either could have stored, so a test can show a refused request stored nothing.
/// </summary>
public sealed class HostileInputFixture : IAsyncLifetime
{
    public const int MaxRows = 3;
    public const int MaxTags = 4;

    private WebApplication? _single;
    private SqliteTrackingStore? _singleStore;

    public KeelApiFactory Factory { get; } = new();

    public HttpClient Main { get; private set; } = null!;

    public HttpClient Single { get; private set; } = null!;

    public string Folder { get; } = Directory.CreateTempSubdirectory("keel-hostile-").FullName;

    public string ExperimentId { get; private set; } = string.Empty;

    public string RunId { get; private set; } = string.Empty;

    /// <summary>A registered model with version 1 and <see cref="MaxTags"/> tags (full).</summary>
    public string ModelName { get; } = "hostile-model";

    /// <summary>A registered model with no tags.</summary>
    public string TaglessModel { get; } = "hostile-tagless";

    /// <summary>A deployment on the main host (of <see cref="DeployedModel"/>, the served package registered as version 1).</summary>
    public const string Deployment = "dep";

    /// <summary>The registered model <see cref="Deployment"/> serves.</summary>
    public string DeployedModel { get; } = "hostile-deployed";

    /// <summary>A request id logged by each host.</summary>
    public string RequestId { get; } = "hostile-request-1";

    /// <summary>The served model's signature columns, and one valid row.</summary>
    public string[] Columns { get; private set; } = [];

    public JsonElement[] Row { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse(ServingFixture.Pipeline, Path.Combine(ServingFixture.RepositoryRoot(), "examples", "breast-cancer", "pipeline.yaml")),
            OutputDirectory = Path.Combine(Folder, "train"),
            ComputeImportance = false,
        });
        var contents = await ModelPackage.ReadAsync(result.PackageDirectory);
        Columns = contents.InputExample.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Row = contents.InputExample.GetProperty("data")[0].EnumerateArray().ToArray();

        Factory.Settings["Keel:Serving:MaxRowsPerRequest"] = MaxRows.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Factory.Settings["Keel:Limits:MaxTagsPerEntity"] = MaxTags.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Main = Factory.CreateClient();
        await Factory.Services.GetRequiredService<ServedModelRegistry>().LoadDirectoryAsync("bc", result.PackageDirectory);

        ExperimentId = await Main.CreateExperimentAsync("hostile-experiment");
        RunId = await Main.CreateRunAsync(ExperimentId);
        Ok(await Main.ApiPostAsync("registered-models/create", new { name = ModelName, tags = Enumerable.Range(0, MaxTags).Select(i => new { key = $"k{i}", value = "v" }) }));
        Ok(await Main.ApiPostAsync("model-versions/create", new { name = ModelName, source = $"mlflow-artifacts:/models/{ModelName}/1" }));
        Ok(await Main.ApiPostAsync("registered-models/create", new { name = TaglessModel }));
        Ok(await Score(Main, "/serving/bc/invocations"));
        Ok(await Main.ApiPostAsync("registered-models/create", new { name = DeployedModel }));
        await HotSwapFixture.RegisterAsync(Main, Factory.Services, DeployedModel, result.PackageDirectory, corrupt: false);
        Ok(await Main.ApiPostAsync("/api/2.0/keel/deployments/create", new { spec = new { name = Deployment, model = DeployedModel, version = "1", alias = "hostile", steps = new[] { new { set_weight = 5 } } } }));
        using (var content = new StringContent(SplitBody(), Encoding.UTF8, "application/json"))
        using (var deployed = await Main.PostAsync($"/deployments/{Deployment}/invocations", content))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, deployed.StatusCode);
        }

        var models = new ServedModelRegistry(Path.Combine(Folder, "single-cache"));
        await models.LoadDirectoryAsync("bc-single", result.PackageDirectory);
        _singleStore = new SqliteTrackingStore(SingleDatabase, Path.Combine(Folder, "single-artifacts"), TimeProvider.System);
        _single = ServingApp.BuildSingle(models, "bc-single", "http://127.0.0.1:0", new SqlitePredictionStore(_singleStore.Database), scoring: new ScoringOptions { MaxRowsPerRequest = MaxRows });
        await _single.StartAsync();
        Single = new HttpClient { BaseAddress = new Uri(_single.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        Ok(await Score(Single, "/invocations"));
    }

    public string SingleDatabase => Path.Combine(Folder, "single.db");

    public HttpClient Client(HostileTarget target) => target == HostileTarget.Main ? Main : Single;

    /// <summary>The services of a host, to read its route table.</summary>
    public IServiceProvider Services(HostileTarget target) => target == HostileTarget.Main ? Factory.Services : _single!.Services;

    /// <summary>One valid row as dataframe_split JSON, with optional replacements.</summary>
    public string SplitBody(string[]? columns = null, int rows = 1) => JsonSerializer.Serialize(new
    {
        dataframe_split = new { columns = columns ?? Columns, data = Enumerable.Repeat(Row, rows).ToArray() },
    });

    /// <summary>One tensor per column (FP64), as an OIP infer body.</summary>
    public string InferBody(int rows = 1) => JsonSerializer.Serialize(new
    {
        inputs = Columns.Select((c, i) => new { name = c, shape = new[] { rows }, datatype = "FP64", data = Enumerable.Repeat(Row[i], rows).ToArray() }),
    });

    /// <summary>
    /// Everything the hosts could have stored: every table of both databases (after the prediction
    /// logs are flushed), the artifact folder's files and the served models with their generations.
    /// </summary>
    public async Task<string> SnapshotAsync()
    {
        await Factory.Services.GetRequiredService<PredictionLogger>().FlushAsync();
        await _single!.Services.GetRequiredService<PredictionLogger>().FlushAsync();
        var text = new StringBuilder();
        Dump(Factory.DatabasePath, text);
        Dump(SingleDatabase, text);
        var artifacts = Path.Combine(Factory.Folder, "artifacts");
        if (Directory.Exists(artifacts))
        {
            foreach (var file in Directory.EnumerateFiles(artifacts, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                text.Append(file).Append(':').Append(new FileInfo(file).Length).Append('\n');
            }
        }

        foreach (var model in Factory.Services.GetRequiredService<ServedModelRegistry>().All)
        {
            text.Append("served ").Append(model.Name).Append(' ').Append(model.Version).Append(' ').Append(model.Generation).Append('\n');
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        Main?.Dispose();
        Single?.Dispose();
        if (_single is not null)
        {
            await _single.StopAsync();
            await _single.DisposeAsync();
        }

        _singleStore?.Dispose();
        await Factory.DisposeAsync();
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

    private async Task<ApiAnswer> Score(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(SplitBody(), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Request-Id", RequestId);
        using var response = await client.SendAsync(request);
        return new ApiAnswer((int)response.StatusCode, default, await response.Content.ReadAsStringAsync());
    }

    private static void Ok(ApiAnswer answer) => Assert.True(answer.Status == 200, answer.Body);

    private static void Dump(string database, StringBuilder text)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = select.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
            {
                var values = new object[reader.FieldCount];
                reader.GetValues(values);
                rows.Add(string.Join('\u001f', values.Select(v => v is byte[] b ? Convert.ToHexString(b) : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
            }

            rows.Sort(StringComparer.Ordinal);
            text.Append(database).Append('.').Append(table).Append('\n');
            foreach (var row in rows)
            {
                text.Append(row).Append('\n');
            }
        }
    }
}

/// <summary>Which host a case attacks.</summary>
public enum HostileTarget
{
    /// <summary><c>keel server</c>.</summary>
    Main,

    /// <summary><c>keel serve</c> (the standalone single-model host).</summary>
    Single,
}
