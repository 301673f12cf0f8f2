using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Core.Models;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;
using Keel.Server.Tests.Serving;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Deployments.Routing;

/// <summary>
/// A server with model <see cref="Model"/>: version 1 a breast-cancer FastTree, version 2 a
/// logistic regression that answers differently, version 3 the v1 package with a corrupt
/// <c>model.zip</c>; version 1 is also served directly as <see cref="Direct"/>. A recording
/// <see cref="IDeploymentObserver"/> is registered, and the shadow queue holds <see cref="ShadowCapacity"/>.
/// </summary>
public sealed class RoutingFixture : IAsyncLifetime
{
    public const string Model = "rt";
    public const string Direct = "rt-direct";
    public const int ShadowCapacity = 4;

    private readonly KeelApiFactory _server = new();

    public string Folder { get; } = Directory.CreateTempSubdirectory("keel-routing-tests-").FullName;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public RecordingObserver Observer { get; } = new();

    /// <summary>The example rows of the package (column name to value).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> Rows { get; private set; } = [];

    public string[] Columns { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var v1 = await HotSwapFixture.TrainAsync(Folder, "v1", "trainer: {name: FastTree, params: {number_of_trees: 5, number_of_leaves: 4}}");
        var v2 = await HotSwapFixture.TrainAsync(Folder, "v2", "trainer: {name: LbfgsLogisticRegression}");
        var contents = await ModelPackage.ReadAsync(v1);
        Columns = contents.InputExample.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Rows = contents.InputExample.GetProperty("data").EnumerateArray()
            .Select(r => (IReadOnlyDictionary<string, JsonElement>)Columns.Zip(r.EnumerateArray()).ToDictionary(p => p.First, p => p.Second))
            .ToList();

        _server.Settings[$"Keel:Deployments:Routing:ShadowQueueCapacity"] = ShadowCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Factory = _server.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IDeploymentObserver>(Observer)));
        Client = Factory.CreateClient();
        Assert.Equal(200, (await Client.ApiPostAsync("registered-models/create", new { name = Model })).Status);
        await HotSwapFixture.RegisterAsync(Client, Factory.Services, Model, v1, corrupt: false);
        await HotSwapFixture.RegisterAsync(Client, Factory.Services, Model, v2, corrupt: false);
        await HotSwapFixture.RegisterAsync(Client, Factory.Services, Model, v1, corrupt: true);
        var served = await Client.ApiPostAsync("/api/2.0/keel/serving/models", new { name = Direct, model_uri = $"models:/{Model}/1" });
        Assert.True(served.Status == 200, served.Body);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }

        await _server.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>A one-row <c>dataframe_records</c> body of example row <paramref name="row"/>.</summary>
    public string Body(int row = 0) => JsonSerializer.Serialize(new { dataframe_records = new[] { Rows[row % Rows.Count] } });

    /// <summary>Creates deployment <paramref name="name"/> on version 1 with the given extra spec fields.</summary>
    public async Task CreateAsync(string name, string strategy = "canary", object? traffic = null, object[]? steps = null)
    {
        var answer = await DeployAsync("create", new { spec = Spec(name, "1", strategy, traffic, steps) });
        Assert.True(answer.Status == 200, answer.Body);
    }

    /// <summary>Applies version <paramref name="version"/> (starting a rollout when it is new).</summary>
    public async Task<ApiAnswer> ApplyAsync(string name, string version, string strategy = "canary", object? traffic = null, object[]? steps = null)
    {
        var answer = await DeployAsync("apply", new { spec = Spec(name, version, strategy, traffic, steps) });
        Assert.True(answer.Status == 200, answer.Body);
        return answer;
    }

    /// <summary>promote, pause, resume or rollback.</summary>
    public async Task<ApiAnswer> CommandAsync(string verb, string name)
    {
        var answer = await DeployAsync(verb, new { name, comment = "test" });
        Assert.True(answer.Status == 200, answer.Body);
        return answer;
    }

    private static object Spec(string name, string version, string strategy, object? traffic, object[]? steps) => new
    {
        name,
        model = Model,
        version,
        strategy,
        alias = "a-" + name,
        traffic = traffic ?? new { },
        steps = steps ?? (strategy == "canary" ? new object[] { new { set_weight = 10 }, new { pause = new { } } } : []),
    };

    private Task<ApiAnswer> DeployAsync(string verb, object body) => Client.ApiPostAsync("/api/2.0/keel/deployments/" + verb, body);

    /// <summary>POSTs <paramref name="body"/> to <paramref name="path"/>.</summary>
    public async Task<Answer> PostAsync(string path, string body, IReadOnlyDictionary<string, string>? headers = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var (key, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(key, value);
        }

        using var response = await Client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        string? Header(string h) => response.Headers.TryGetValues(h, out var v) ? v.First() : null;
        return new Answer((int)response.StatusCode, bytes, Header("X-Keel-Model-Version"), Header("X-Keel-Deployment-Arm"), Header("X-Request-Id"));
    }

    /// <summary>Scores example row <paramref name="row"/> on the deployment.</summary>
    public Task<Answer> InvokeAsync(string name, int row = 0, IReadOnlyDictionary<string, string>? headers = null) =>
        PostAsync($"/deployments/{name}/invocations", Body(row), headers);

    /// <summary>The prediction log's rows of the deployment (after a flush).</summary>
    public async Task<IReadOnlyList<PredictionLogRecord>> LoggedAsync(string deployment)
    {
        await Factory.Services.GetRequiredService<PredictionLogger>().FlushAsync();
        var page = await Factory.Services.GetRequiredService<IPredictionStore>().SearchAsync(new PredictionQuery(string.Empty, MaxResults: PredictionQuery.MaxPageSize) { Deployment = deployment });
        return page.Items.Select(p => p.Record).ToList();
    }

    public T Service<T>()
        where T : notnull => Factory.Services.GetRequiredService<T>();
}

/// <summary>One answer: status, body bytes and the routing headers.</summary>
public sealed record Answer(int Status, byte[] Body, string? Version, string? Arm, string? RequestId)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>P(positive) of the first prediction.</summary>
    public double Probability => JsonDocument.Parse(Body).RootElement.GetProperty("predictions")[0].GetProperty("probability").GetDouble();
}

/// <summary>Keeps every observation; shadow observations wait while <see cref="HoldShadow"/> is reset.</summary>
public sealed class RecordingObserver : IDeploymentObserver
{
    public ConcurrentQueue<(DeploymentObservation Observation, string Outputs)> Seen { get; } = new();

    public ManualResetEventSlim HoldShadow { get; } = new(initialState: true);

    public void Observe(in DeploymentObservation observation)
    {
        if (observation.Arm == DeploymentArms.Shadow)
        {
            HoldShadow.Wait(TimeSpan.FromSeconds(30));
        }

        Seen.Enqueue((observation with { InputsUtf8 = default, OutputsUtf8 = default }, Encoding.UTF8.GetString(observation.OutputsUtf8.Span)));
    }
}

[CollectionDefinition(Name)]
public sealed class RoutingCollection : ICollectionFixture<RoutingFixture>
{
    public const string Name = "DeploymentRouting";
}
