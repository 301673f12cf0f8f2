using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Infrastructure;

namespace Keel.Cli.Tests.Cli;

public sealed class GlobalBehaviourCliTests(KeelServerFixture server)
{
    private static readonly string Unreachable = "http://127.0.0.1:9";

    [Fact]
    public async Task TrackingUri_ComesFromKeelTrackingUri()
    {
        var result = await CliRun.RunAsync(["experiments", "list", "--json"], new Dictionary<string, string>
        {
            ["KEEL_TRACKING_URI"] = server.BaseAddress.AbsoluteUri,
            ["MLFLOW_TRACKING_URI"] = Unreachable,
        });

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task TrackingUri_FallsBackToMlflowTrackingUri()
    {
        var result = await CliRun.RunAsync(["experiments", "list", "--json"], new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = server.BaseAddress.AbsoluteUri });

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task TrackingUriOption_WinsOverTheEnvironment()
    {
        var result = await CliRun.RunAsync(
            ["experiments", "list", "--tracking-uri", Unreachable],
            new Dictionary<string, string> { ["KEEL_TRACKING_URI"] = server.BaseAddress.AbsoluteUri });

        CliRun.AssertOneLineError(result, ExitCodes.Unreachable, "127.0.0.1:9");
    }

    [Fact]
    public async Task UnreachableServer_ExitsWith2AndOneLine()
    {
        var result = await CliRun.RunAsync(["runs", "show", "abc", "--tracking-uri", Unreachable]);

        CliRun.AssertOneLineError(result, ExitCodes.Unreachable, "cannot reach the tracking server");
    }

    [Fact]
    public async Task InvalidTrackingUri_IsAUsageError()
    {
        var result = await CliRun.RunAsync(["experiments", "list", "--tracking-uri", "ftp://example.com"]);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "Invalid tracking URI 'ftp://example.com'");
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("experiments", "list", "--no-such-option")]
    [InlineData("runs", "show")]
    [InlineData("experiments")]
    public async Task UsageErrors_ExitWith1AndOneLine(params string[] args)
    {
        var result = await CliRun.RunAsync(args);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "--help");
    }

    [Fact]
    public async Task Help_ListsTheCommands()
    {
        var result = await CliRun.RunAsync(["--help"]);

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "server", "experiments", "runs", "artifacts", "--tracking-uri" })
        {
            Assert.Contains(command, result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UnexpectedException_IsOneLineWithExitCode3()
    {
        using var stderr = new StringWriter();
        var root = new System.CommandLine.RootCommand();
        var boom = new System.CommandLine.Command("boom");
        Func<System.CommandLine.ParseResult, int> fail = _ => throw new InvalidOperationException("kaboom\n   at Some.Frame()");
        boom.SetAction(fail);
        root.Subcommands.Add(boom);

        var code = await CliRunner.RunAsync(root, ["boom"], new CliSettings { Out = TextWriter.Null, Error = stderr }, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.InternalError, code);
        Assert.Equal("error: unexpected InvalidOperationException: kaboom at Some.Frame()", stderr.ToString().TrimEnd());
    }
}
