using System.Diagnostics;
using Keel.Cli.Tests.Infrastructure;

namespace Keel.Cli.Tests.Train;

/// <summary>
/// <c>keel train</c> on a real pseudo-terminal (util-linux <c>script</c>): a terminal a column wide
/// once made Spectre's live spinner loop forever; it must fall back to plain progress lines.
/// </summary>
public sealed class TrainTerminalTests : IDisposable
{
    private readonly TrainPipelines _pipelines = new();

    public void Dispose() => _pipelines.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(120)]
    public async Task Train_OnATerminal_OfAnyWidth_Finishes(int columns)
    {
        Assert.True(File.Exists("/usr/bin/script"), "util-linux 'script' is needed to give keel a pseudo-terminal (apt-get install util-linux).");
        var name = KeelServerFixture.UniqueName("tty");
        var pipeline = _pipelines.Write(name, name);
        var store = Path.Combine(_pipelines.Directory, name);
        var command = $"stty cols {columns} rows 10; '{KeelProcess.ExecutablePath}' train '{pipeline}' --no-register --backend-store-uri 'sqlite:///{store}/keel.db' --artifacts-uri '{store}/artifacts'";
        var info = new ProcessStartInfo("/usr/bin/script") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-qec", command, "/dev/null" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["TERM"] = "xterm-256color";
        info.Environment.Remove("NO_COLOR");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"keel train did not finish within 90 s on a {columns}-column terminal.");
        }

        Assert.True(process.ExitCode == 0, await output);
        Assert.Contains("exit code", await output, StringComparison.Ordinal);
    }
}
