using Keel.Core.Errors;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Keel.Server.Tests.Auth;

/// <summary>Auth off only on loopback; no default admin: the first one comes from a one-time setup token.</summary>
public sealed class SafeByDefaultTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-authstart-").FullName;

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.1.20")]
    [InlineData("::")]
    public void ANonLoopbackAddress_WithoutAuth_RefusesToStart(string host)
    {
        var e = Assert.Throws<KeelException>(() => Build(o => o.Host = host));
        Assert.Equal(ErrorCode.InvalidState, e.Code);
        Assert.Contains("--auth", e.Message, StringComparison.Ordinal);
        Assert.Contains("--insecure-no-auth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANonLoopbackAddress_Starts_WithAuth_OrWithInsecureNoAuth_AndLoopbackNeedsNeither()
    {
        await using (Build(o => o.Host = "0.0.0.0", "--Keel:Auth:Enabled=true"))
        {
        }

        await using (Build(o => o.Host = "0.0.0.0", "--Keel:Auth:InsecureNoAuth=true"))
        {
        }

        await using (Build(o => o.Host = "127.0.0.1"))
        {
        }
    }

    [Fact]
    public async Task WithNoUser_TheSetupToken_CreatesTheFirstAdmin_Once()
    {
        await using var server = new AuthServer(createAdmin: false);
        var anonymous = server.Anonymous();
        var hint = await anonymous.ApiGetAsync("experiments/search?max_results=1");
        Assert.Equal(401, hint.Status);
        Assert.Contains("setup token", hint.Body, StringComparison.Ordinal);

        var setup = (Keel.Server.Auth.SetupToken)server.Services.GetService(typeof(Keel.Server.Auth.SetupToken))!;
        Assert.True(setup.Pending);
        var token = (await setup.IssueAsync())!; // the one printed at start-up is in the log; another works as well
        var wrong = await anonymous.ApiPostAsync("/api/2.0/keel/auth/setup", new { setup_token = "keel_setup_guess", username = "root", password = "root-password-123" });
        Assert.Equal((403, "PERMISSION_DENIED"), (wrong.Status, wrong.ErrorCode));

        var made = await anonymous.ApiPostAsync("/api/2.0/keel/auth/setup", new { setup_token = token, username = "root", password = "root-password-123" });
        Assert.Equal(200, made.Status);
        Assert.True(made["user"].GetProperty("is_admin").GetBoolean());
        Assert.Equal(200, (await server.Basic("root", "root-password-123").ApiGetAsync("experiments/search?max_results=1")).Status);

        var again = await anonymous.ApiPostAsync("/api/2.0/keel/auth/setup", new { setup_token = token, username = "root2", password = "root-password-123" });
        Assert.Equal(403, again.Status);
        Assert.False(setup.Pending);
    }

    [Fact]
    public async Task WithAuthOn_AndNoUser_TheStartUpLogPrintsASetupToken()
    {
        using var process = await ServerProcess.StartAsync(_folder, null, "--Keel:Auth:Enabled=true");
        Assert.True(
            await Reliability.IdleFlood.WaitUntilAsync(() => process.Output.Any(l => l.Contains("keel_setup_", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)),
            "No setup token in:\n" + string.Join('\n', process.Output));
    }

    private Microsoft.AspNetCore.Builder.WebApplication Build(Action<KeelServerOptions> configure, params string[] args) =>
        KeelServerApp.Build(args, o =>
        {
            o.Port = 0;
            o.BackendStoreUri = "sqlite:///" + Path.Combine(_folder, "keel.db");
            o.ArtifactsUri = Path.Combine(_folder, "artifacts");
            configure(o);
        });

    public void Dispose()
    {
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
