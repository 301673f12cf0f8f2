using System.Diagnostics;
using System.Text;

namespace Keel.Cli.Tests.Infrastructure;

/// <summary>Runs the built <c>keel</c> executable (copied next to the tests) as a child process.</summary>
public static class KeelProcess
{
    public static string ExecutablePath
    {
        get
        {
            var apphost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "keel.exe" : "keel");
            return File.Exists(apphost) ? apphost : throw new FileNotFoundException("The keel executable is not next to the tests.", apphost);
        }
    }

    /// <summary>Creates the start info with only the given Keel/MLflow variables set.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(ExecutablePath)
        {
            // A command with no URI uses ./keel-data: under a temp folder, never the build's.
            WorkingDirectory = workingDirectory ?? CliRun.SharedWorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("KEEL_TRACKING_URI");
        info.Environment.Remove("MLFLOW_TRACKING_URI");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>Runs to completion (at most one minute) and returns exit code, stdout and stderr.</summary>
    public static async Task<CliResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        using var process = Process.Start(StartInfo(args, environment, workingDirectory))!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
