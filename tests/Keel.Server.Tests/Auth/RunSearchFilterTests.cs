using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Auth;

/// <summary>runs/search with auth on filters out runs of experiments the caller cannot read (as MLflow), instead of refusing the search.</summary>
public sealed class RunSearchFilterTests : IAsyncDisposable
{
    private readonly AuthServer _server = new();

    [Fact]
    public async Task RunsSearch_LeavesOutUnreadableExperiments_AndAnswers200EvenWhenNoneIsReadable()
    {
        var admin = _server.Admin();
        var bob = await _server.UserAsync("bob");
        var hidden = await admin.CreateExperimentAsync();
        var open = await admin.CreateExperimentAsync();
        var hiddenRun = await admin.CreateRunAsync(hidden);
        var openRun = await admin.CreateRunAsync(open);
        Assert.Equal(200, (await admin.ApiPostAsync("experiments/permissions/create", new { experiment_id = hidden, username = "bob", permission = "NO_PERMISSIONS" })).Status);

        var both = await bob.ApiPostAsync("runs/search", new { experiment_ids = new[] { hidden, open } });
        Assert.Equal(200, both.Status);
        Assert.Equal([openRun], both["runs"].EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_id").GetString()));
        Assert.DoesNotContain(hiddenRun, both.Body, StringComparison.Ordinal);

        var onlyHidden = await bob.ApiPostAsync("runs/search", new { experiment_ids = new[] { hidden } });
        Assert.Equal(200, onlyHidden.Status);
        Assert.DoesNotContain(hiddenRun, onlyHidden.Body, StringComparison.Ordinal);

        // The admin still sees everything.
        Assert.Contains(hiddenRun, (await admin.ApiPostAsync("runs/search", new { experiment_ids = new[] { hidden, open } })).Body, StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>The setup token lives in the auth store: any replica on the store accepts it, once.</summary>
public sealed class SetupTokenAcrossReplicasTests : IAsyncDisposable
{
    private readonly AuthServer _first = new(createAdmin: false);
    private readonly AuthServer _second;

    public SetupTokenAcrossReplicasTests() =>
        _second = new AuthServer(new Dictionary<string, string> { ["Keel:BackendStoreUri"] = "sqlite:///" + _first.DatabasePath }, createAdmin: false);

    [Fact]
    public async Task ATokenPrintedByOneReplica_CreatesTheFirstAdminOnAnother_Once()
    {
        var token = (await ((Keel.Server.Auth.SetupToken)_first.Services.GetService(typeof(Keel.Server.Auth.SetupToken))!).IssueAsync())!;
        var made = await _second.Anonymous().ApiPostAsync("/api/2.0/keel/auth/setup", new { setup_token = token, username = "root", password = "root-password-123" });
        Assert.True(made.Status == 200, made.Body);
        Assert.Equal(200, (await _first.Basic("root", "root-password-123").ApiGetAsync("experiments/search?max_results=1")).Status);

        var again = await _first.Anonymous().ApiPostAsync("/api/2.0/keel/auth/setup", new { setup_token = token, username = "root2", password = "root-password-123" });
        Assert.Equal((403, "PERMISSION_DENIED"), (again.Status, again.ErrorCode));
    }

    public async ValueTask DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }
}
