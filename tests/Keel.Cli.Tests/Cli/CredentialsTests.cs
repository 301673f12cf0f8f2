using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Auth;
using Keel.Core.Registry;
using Keel.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Cli.Tests.Cli;

/// <summary>The CLI against a server with auth on: MLflow's (and Keel's) credential variables, and a clear failure without them.</summary>
public sealed class CredentialsTests : IAsyncLifetime
{
    private const string Password = "bob-password-1234";
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-cli-auth-").FullName;
    private WebApplication? _app;
    private string _url = string.Empty;

    public async ValueTask InitializeAsync()
    {
        var tmp = _folder;
        _app = KeelServerApp.Build(["--Keel:Auth:Enabled=true", "--Keel:Deployments:Controller:Enabled=false", "--Keel:Monitoring:Scheduler:Enabled=false"], o =>
        {
            o.Port = 0;
            o.BackendStoreUri = "sqlite:///" + tmp + "/keel.db";
            o.ArtifactsUri = tmp + "/artifacts";
        });
        await _app.StartAsync();
        _url = _app.Urls.First();
        await Auth.CreateUserAsync("bob", Password);
    }

    private AuthService Auth => _app!.Services.GetRequiredService<AuthService>();

    [Fact]
    public async Task WithUsernameAndPassword_TheCliWorks_AndTheAuditRecordsTheSignedInUser_NotTheOsUser()
    {
        var env = new Dictionary<string, string> { ["MLFLOW_TRACKING_USERNAME"] = "bob", ["MLFLOW_TRACKING_PASSWORD"] = Password };
        var created = await CliRun.RunAsync(["models", "create", "credit", "--tracking-uri", _url], env);
        Assert.True(created.ExitCode == 0, created.ToString());

        var events = await _app!.Services.GetRequiredService<IRegistryStore>().ListEventsAsync(new RegistryEventQuery("credit"));
        Assert.All(events.Items, e => Assert.Equal("bob", e.User));
    }

    [Fact]
    public async Task WithAToken_InKeelsOrMlflowsVariable_TheCliWorks()
    {
        var bob = (await Auth.Store.GetUserAsync("bob"))!;
        var (_, secret) = await Auth.CreateTokenAsync(bob, "cli", "read", null);
        foreach (var variable in new[] { "MLFLOW_TRACKING_TOKEN", "KEEL_TRACKING_TOKEN" })
        {
            var listed = await CliRun.RunAsync(["experiments", "list", "--tracking-uri", _url], new Dictionary<string, string> { [variable] = secret });
            Assert.True(listed.ExitCode == 0, variable + ": " + listed);
        }
    }

    [Fact]
    public async Task KeelsVariables_WinOverMlflows_WhenBothAreSet()
    {
        var bob = (await Auth.Store.GetUserAsync("bob"))!;
        var (_, secret) = await Auth.CreateTokenAsync(bob, "cli", "read", null);
        var tokens = new Dictionary<string, string> { ["KEEL_TRACKING_TOKEN"] = secret, ["MLFLOW_TRACKING_TOKEN"] = "keel_0123456789abcdef_not-a-token" };
        var byToken = await CliRun.RunAsync(["experiments", "list", "--tracking-uri", _url], tokens);
        Assert.True(byToken.ExitCode == 0, byToken.ToString());

        var passwords = new Dictionary<string, string>
        {
            ["KEEL_TRACKING_USERNAME"] = "bob",
            ["KEEL_TRACKING_PASSWORD"] = Password,
            ["MLFLOW_TRACKING_USERNAME"] = "nobody",
            ["MLFLOW_TRACKING_PASSWORD"] = "not-the-password",
        };
        var byPassword = await CliRun.RunAsync(["experiments", "list", "--tracking-uri", _url], passwords);
        Assert.True(byPassword.ExitCode == 0, byPassword.ToString());
    }

    [Fact]
    public async Task WithoutCredentials_OrWithAWrongPassword_TheCliFailsWithOneClearLine()
    {
        var none = await CliRun.RunAsync(["experiments", "list", "--tracking-uri", _url]);
        CliRun.AssertOneLineError(none, 1, "MLFLOW_TRACKING_USERNAME");

        var wrong = await CliRun.RunAsync(["experiments", "list", "--tracking-uri", _url], new Dictionary<string, string> { ["MLFLOW_TRACKING_USERNAME"] = "bob", ["MLFLOW_TRACKING_PASSWORD"] = "not-the-password" });
        CliRun.AssertOneLineError(wrong, 1, "not authenticated");

        var half = await CliRun.RunAsync(["experiments", "list", "--tracking-uri", _url], new Dictionary<string, string> { ["MLFLOW_TRACKING_USERNAME"] = "bob" });
        CliRun.AssertOneLineError(half, 1, "MLFLOW_TRACKING_PASSWORD");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing connection; the temp folder is cleaned by the OS.
        }
    }
}
