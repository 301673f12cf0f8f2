using System.Diagnostics;
using Keel.Cli.Tests.Infrastructure;

namespace Keel.Cli.Tests.Cli;

/// <summary>Issue 10, item 9: <c>keel server --host 0.0.0.0 --insecure-no-auth</c> warns on stderr that anyone who can reach it can change everything.</summary>
public sealed class ServerBindWarningTests
{
    [Fact]
    public async Task Server_OnANonLoopbackAddress_PrintsTheWarningOnStderr()
    {
        var data = Directory.CreateTempSubdirectory("keel-exe-bind-").FullName;
        var info = KeelProcess.StartInfo(["server", "--host", "0.0.0.0", "--insecure-no-auth", "--port", "0", "--backend-store-uri", $"sqlite:///{data}/keel.db", "--artifacts-uri", Path.Combine(data, "artifacts")]);
        using var process = Process.Start(info)!;
        try
        {
            _ = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(60));
            string? warning = null;
            while (warning is null && await process.StandardError.ReadLineAsync(deadline.Token) is { } line)
            {
                warning = line.StartsWith("warning: listening on http://0.0.0.0:", StringComparison.Ordinal) ? line : null;
            }

            Assert.NotNull(warning);
            Assert.Contains("not a loopback address: anyone who can reach it can read and change everything", warning, StringComparison.Ordinal);
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
}
