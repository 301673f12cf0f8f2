using System.Diagnostics;
using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Infrastructure;

namespace Keel.Cli.Tests.Cli;

/// <summary>The built <c>keel</c> executable, run as a separate process against the shared server.</summary>
public sealed class KeelExecutableTests(KeelServerFixture server)
{
    [Fact]
    public async Task CreateAndList_WithKeelTrackingUri_PrintsOnlyJson()
    {
        var env = new Dictionary<string, string> { ["KEEL_TRACKING_URI"] = server.BaseAddress.AbsoluteUri };
        var name = KeelServerFixture.UniqueName("exe");

        var created = await KeelProcess.RunAsync(["experiments", "create", name, "--json"], env);
        var listed = await KeelProcess.RunAsync(["experiments", "list", "--json"], env);

        Assert.True(created.ExitCode == 0, created.ToString());
        var id = created.Json().GetProperty("experiment_id").GetString();
        Assert.True(listed.ExitCode == 0, listed.ToString());
        CliRun.AssertOnlyStoreLine(listed);
        Assert.Contains(listed.Json().EnumerateArray(), e => e.GetProperty("experiment_id").GetString() == id && e.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task ExperimentsList_WithMlflowTrackingUri_PrintsATable()
    {
        var result = await KeelProcess.RunAsync(["experiments", "list"], new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = server.BaseAddress.AbsoluteUri });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^\s*ID\s+Name\s+Stage", result.Lines[0]);
        Assert.Contains(result.Lines, l => l.Contains("Default", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunsShow_UnknownRun_PrintsOneErrorLineAndExits1()
    {
        var result = await KeelProcess.RunAsync(["runs", "show", new string('d', 32), "--tracking-uri", server.BaseAddress.AbsoluteUri]);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task UnreachableServer_RetriesThenExits2WithOneLine()
    {
        var result = await KeelProcess.RunAsync(["experiments", "list", "--tracking-uri", "http://127.0.0.1:9"]);

        CliRun.AssertOneLineError(result, ExitCodes.Unreachable, "cannot reach the tracking server");
    }

    [Fact]
    public async Task UnknownCommand_Exits1WithOneLine()
    {
        var result = await KeelProcess.RunAsync(["frobnicate"]);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "frobnicate");
    }

    [Fact]
    public async Task Server_PrintsItsListeningAddress_ServesHealth_AndStopsCleanlyOnCtrlC()
    {
        var exitCode = await RunServerThenCtrlCAsync("keel-exe-server-", null, async address =>
        {
            using var http = new HttpClient();
            var health = await http.GetStringAsync(new Uri(address, "health"), TestContext.Current.CancellationToken);
            Assert.Matches(@"^http://127\.0\.0\.1:\d+/$", address.AbsoluteUri);
            Assert.Equal("OK", health.Trim());
        });

        // Ctrl+C is SIGINT: the server shuts down gracefully and exits 0.
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task Server_OnCtrlC_WithARequestInFlight_StopsGracefullyAndExitsZero()
    {
        // Regression: System.CommandLine's own Ctrl+C handler gave the host two seconds, then made
        // keel exit 130 mid-shutdown. Now the host alone handles the signal: it waits for the
        // request in flight up to its shutdown timeout (4 s here), then exits 0.
        using var socket = new System.Net.Sockets.TcpClient();
        var exitCode = await RunServerThenCtrlCAsync("keel-exe-sigint-", new Dictionary<string, string> { ["DOTNET_shutdownTimeoutSeconds"] = "4" }, async address =>
        {
            await socket.ConnectAsync(address.Host, address.Port, TestContext.Current.CancellationToken);
            var head = $"POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{";
            await socket.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes(head), TestContext.Current.CancellationToken);
            await WaitForRequestInFlightAsync(address);
        });

        Assert.Equal(0, exitCode);
    }

    /// <summary>
    /// Starts <c>keel server</c> on a fresh store, runs <paramref name="beforeCtrlC"/> with its address,
    /// sends SIGINT and returns the exit code (failing after 30 s); the process is killed and the
    /// store deleted whatever happens.
    /// </summary>
    private static async Task<int> RunServerThenCtrlCAsync(string folderPrefix, Dictionary<string, string>? environment, Func<Uri, Task> beforeCtrlC)
    {
        var data = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        var info = WithDefaultSigInt(KeelProcess.StartInfo(["server", "--port", "0", "--backend-store-uri", $"sqlite:///{data}/keel.db", "--artifacts-uri", Path.Combine(data, "artifacts")], environment));
        using var process = Process.Start(info)!;
        try
        {
            await beforeCtrlC(new Uri(await ReadListeningAddressAsync(process)));
            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(deadline.Token);
            return process.ExitCode;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>
    /// Starts the process with SIGINT at its default disposition (coreutils <c>env --default-signal</c>,
    /// which then execs keel under the same pid). A shell running the suite in the background
    /// (<c>./test.sh &amp;</c>) starts it with SIGINT ignored, every child inherits that, and .NET rightly
    /// keeps an inherited "ignore": Ctrl+C would never reach the server and the test would hang.
    /// </summary>
    private static ProcessStartInfo WithDefaultSigInt(ProcessStartInfo info)
    {
        info.ArgumentList.Insert(0, info.FileName);
        info.ArgumentList.Insert(0, "--default-signal=INT");
        info.FileName = "env";
        return info;
    }

    /// <summary>A second request answered after the first was sent means the server has read the first one's head.</summary>
    private static async Task WaitForRequestInFlightAsync(Uri address)
    {
        using var http = new HttpClient();
        await http.GetStringAsync(new Uri(address, "health"), TestContext.Current.CancellationToken);
    }

    /// <summary>Reads stdout until the "Keel server listening on" line, with a deadline instead of a sleep.</summary>
    private static async Task<string> ReadListeningAddressAsync(Process process)
    {
        const string prefix = "Keel server listening on ";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..].Trim();
            }
        }

        throw new InvalidOperationException("keel server exited without printing its address: " + await process.StandardError.ReadToEndAsync(deadline.Token));
    }
}
