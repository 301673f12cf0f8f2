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

    /// <summary>Starts the server on a free loopback port and waits until /health answers.</summary>
    /// <param name="folder">Working directory, database and artifacts.</param>
    /// <param name="settings">More configuration arguments, e.g. <c>--Keel:Serving:CacheFolder=/tmp/x</c>.</param>
    public static async Task<ServerProcess> StartAsync(string folder, params string[] settings)
    {
        var port = FreePort();
        var serverDll = Path.Combine(AppContext.BaseDirectory, "Keel.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            serverDll,
            $"--Keel:Port={port}",
            $"--Keel:BackendStoreUri=sqlite:///{Path.Combine(folder, "keel.db")}",
            $"--Keel:ArtifactsUri={Path.Combine(folder, "artifacts")}",
            .. settings,
        ];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
