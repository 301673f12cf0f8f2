using Keel.Client;

namespace Keel.Cli.Tests.Replicas;

/// <summary>
/// Issue 15's stateless-replica tests: three real <c>keel server</c> processes on one store behind
/// Debian's nginx configured by <c>deploy/nginx.conf</c>, on loopback. Each backend (one SQLite file +
/// local folder; one PostgreSQL database + one S3 bucket) is one subclass giving
/// <see cref="CreateBackendAsync"/>.
/// </summary>
public abstract partial class ReplicaTests(ReplicaModels models)
{
    /// <summary>How many replicas each test runs.</summary>
    protected const int ReplicaCount = 3;

    /// <summary>The follow interval the replicas run with.</summary>
    protected static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The lease duration and tick of the deployment controller, the rolling coordinator and the monitoring scheduler.</summary>
    protected static readonly TimeSpan LeaseDuration = TimeSpan.FromMilliseconds(1500);

    protected static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    protected ReplicaModels Models { get; } = models;

    /// <summary>Short intervals, so that following and take-overs happen within a test.</summary>
    protected static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Keel__Serving__FollowInterval"] = FollowInterval.ToString(),
        ["Keel__Deployments__Controller__Tick"] = Tick.ToString(),
        ["Keel__Deployments__Controller__LeaseDuration"] = LeaseDuration.ToString(),
        ["Keel__Deployments__Rolling__TickInterval"] = Tick.ToString(),
        ["Keel__Deployments__Rolling__LeaseDuration"] = LeaseDuration.ToString(),
        ["Keel__Monitoring__Scheduler__Tick"] = Tick.ToString(),
        ["Keel__Monitoring__Scheduler__RefreshEvery"] = TimeSpan.FromMilliseconds(200).ToString(),
        ["Keel__Monitoring__Scheduler__LeaseDuration"] = LeaseDuration.ToString(),
    };

    /// <summary>A fresh, empty store for one test.</summary>
    protected abstract Task<ReplicaBackend> CreateBackendAsync();

    /// <summary>A fresh store and <see cref="ReplicaCount"/> replicas on it behind nginx; skips when nginx is not installed.</summary>
    protected async Task<(ReplicaBackend Backend, ReplicaCluster Cluster)> StartAsync()
    {
        if (ReplicaBalancer.Unavailable is { } why)
        {
            Assert.Skip(why);
        }

        var backend = await CreateBackendAsync();
        try
        {
            return (backend, await ReplicaCluster.StartAsync(backend, ReplicaCount, Settings));
        }
        catch
        {
            await backend.DisposeAsync();
            throw;
        }
    }

    protected static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    protected static Task WaitForAsync(Func<Task<bool>> condition, string what, double seconds = 60, Func<string>? detail = null) =>
        ReplicaCluster.WaitForAsync(condition, what, seconds, detail);

    /// <summary>Scores <see cref="ReplicaModels.Body"/> on <paramref name="address"/>'s served model <paramref name="name"/> and tells which version answered.</summary>
    protected async Task<string?> ServedVersionAsync(HttpClient http, Uri address, string name)
    {
        using var content = new StringContent(Models.Body, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(address, $"serving/{name}/invocations"), content);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return Models.VersionOf(json.RootElement.GetProperty("predictions")[0].GetProperty("probability").GetDouble());
    }

    protected static KeelClient Direct(Uri replica) => new(replica, new KeelClientOptions { MaxRetryAttempts = 0 });
}
