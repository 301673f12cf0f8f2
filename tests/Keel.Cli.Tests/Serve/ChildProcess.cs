using System.Diagnostics;
using System.Globalization;
using System.Text;
using Keel.Cli.Tests.Infrastructure;

namespace Keel.Cli.Tests.Serve;

/// <summary>
/// A <c>keel</c> child process (a server or a replica) whose output is read all along (so a full
/// pipe never blocks it), with the first address it prints, SIGTERM, and a kill on dispose.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;

    private ChildProcess(Process process, string addressPrefix)
    {
        _process = process;
        _reading = Task.WhenAll(ReadAsync(process.StandardOutput, addressPrefix), ReadAsync(process.StandardError, null));
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything it printed so far (stdout and stderr interleaved by line).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>keel ARGS</c> and waits (60 s at most) for the line holding <paramref name="addressPrefix"/> followed by its address.</summary>
    public static async Task<ChildProcess> StartAsync(IEnumerable<string> args, string addressPrefix, IReadOnlyDictionary<string, string>? environment = null)
    {
        var child = new ChildProcess(Process.Start(KeelProcess.StartInfo(args, environment))!, addressPrefix);
        try
        {
            await child._address.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await child.DisposeAsync();
            throw new InvalidOperationException($"keel {string.Join(' ', args)} printed no '{addressPrefix}' line: {child.Output}", e);
        }

        return child;
    }

    /// <summary>The address it printed.</summary>
    public Uri Address => _address.Task.Result;

    /// <summary>Sends SIGTERM (what a process manager sends to stop it).</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Waits for it to exit (60 s at most) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await _reading;
        _process.Dispose();
    }

    private async Task ReadAsync(StreamReader reader, string? addressPrefix)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }

            var at = addressPrefix is null ? -1 : line.IndexOf(addressPrefix, StringComparison.Ordinal);
            if (at >= 0 && Uri.TryCreate(line[(at + addressPrefix!.Length)..].Trim(), UriKind.Absolute, out var address))
            {
                _address.TrySetResult(address);
            }
        }

        if (addressPrefix is not null)
        {
            _address.TrySetException(new InvalidOperationException("The process ended."));
        }
    }
}
