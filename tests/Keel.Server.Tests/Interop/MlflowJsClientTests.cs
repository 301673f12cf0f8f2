using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;

namespace Keel.Server.Tests.Interop;

/// <summary>
/// Runs a real third-party MLflow client, the npm package <c>mlflow</c> 2.0.7, against a real Keel
/// server listening on a loopback port: tests/interop/mlflow-js.test.mjs under <c>node --test</c>.
/// </summary>
public sealed class MlflowJsClientTests : IAsyncLifetime
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromMinutes(3);
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "keel-interop-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_dataFolder);
        _app = KeelServerApp.Build([], o =>
        {
            o.Port = 0;
            o.BackendStoreUri = "sqlite:///" + Path.Combine(_dataFolder, "keel.db");
            o.ArtifactsUri = Path.Combine(_dataFolder, "artifacts");
        });
        await _app.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [Fact]
    public async Task MlflowJs_2_0_7_drives_experiments_runs_metrics_and_search()
    {
        var root = FindRepositoryRoot();
        var interop = Path.Combine(root, "tests", "interop");
        var package = Path.Combine(interop, "node_modules", "mlflow", "package.json");
        if (!File.Exists(package))
        {
            Assert.Fail(
                $"The npm package mlflow@2.0.7 is not installed ({package} is missing). " +
                "Run ./test.sh from the repository root (it runs `npm install` in tests/interop), " +
                "or run `npm ci` in tests/interop yourself.");
        }

        var baseAddress = _app!.Urls.Single(u => u.StartsWith("http://", StringComparison.Ordinal));
        Assert.DoesNotContain(":0", baseAddress[(baseAddress.LastIndexOf(':'))..], StringComparison.Ordinal);

        var (exitCode, output) = await RunNodeAsync(root, baseAddress, TestContext.Current.CancellationToken);

        Assert.True(
            exitCode == 0,
            $"`node --test tests/interop/mlflow-js.test.mjs` against {baseAddress} exited with {exitCode}.{Environment.NewLine}{output}");
        Assert.Contains("# fail 0", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunNodeAsync(string root, string baseAddress, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--test");
        start.ArgumentList.Add("--test-reporter=tap");
        start.ArgumentList.Add(Path.Combine("tests", "interop", "mlflow-js.test.mjs"));
        start.Environment["KEEL_URL"] = baseAddress;
        start.Environment["NO_COLOR"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"Could not start `node` ({e.Message}). Node.js 20+ must be on PATH; see ./test.sh.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(NodeTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node did not finish within {NodeTimeout}.{Environment.NewLine}{Snapshot(output)}");
        }

        // WaitForExitAsync returns after the redirected streams reached end of file.
        return (process.ExitCode, Snapshot(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    /// <summary>The folder holding Keel.slnx, found by walking up from the test binaries.</summary>
    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keel.slnx")))
            {
                return dir.FullName;
            }
        }

        Assert.Fail($"No Keel.slnx above {AppContext.BaseDirectory}; run the tests from a Keel checkout.");
        return string.Empty;
    }
}
