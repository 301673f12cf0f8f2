using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Keel.Server.Tests.Infrastructure;

/// <summary>The real Keel server as a separate OS process, so tests can kill -9 it.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The server's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process is still running.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Every line the server wrote to stdout and stderr so far.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>Starts the server on a free loopback port and waits until /health answers.</summary>
    /// <param name="folder">Working folder holding the database and artifacts.</param>
    /// <param name="descriptorLimit">When set, the server runs under <c>ulimit -n</c> of this many open files (soft and hard).</param>
    /// <param name="extraArgs">More configuration arguments, e.g. <c>--Keel:Hosting:MaxConnections=8</c>.</param>
    public static async Task<ServerProcess> StartAsync(string folder, int? descriptorLimit = null, params string[] extraArgs)
    {
        var port = FreePort();
        var serverDll = Path.Combine(AppContext.BaseDirectory, "Keel.Server.dll");
        var info = new ProcessStartInfo(descriptorLimit is null ? "dotnet" : "bash")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (descriptorLimit is { } limit)
        {
            // exec keeps the process id: the limit applies to the server itself.
            foreach (var arg in new[] { "-c", $"ulimit -n {limit} && exec dotnet \"$@\"", "keel-server" })
            {
                info.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in new[]
        {
            serverDll,
            $"--Keel:Port={port}",
            $"--Keel:BackendStoreUri=sqlite:///{Path.Combine(folder, "keel.db")}",
            $"--Keel:ArtifactsUri={Path.Combine(folder, "artifacts")}",
        }.Concat(extraArgs))
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Add(e.Data);
        process.ErrorDataReceived += (_, e) => server.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {process.ExitCode} before it was ready.");
            }

            try
            {
                using var response = await client.GetAsync("health");
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(50);
        }

        server.Dispose();
        throw new TimeoutException("The server did not become ready within 60 s.");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            Output.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
