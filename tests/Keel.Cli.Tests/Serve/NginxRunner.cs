using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Keel.Cli.Tests.Serve;

/// <summary>
/// Debian's nginx run as a non-root, non-daemon child with everything (pid, logs, temp folders) in a
/// temp folder (<c>-p</c>, <c>-c</c>, <c>-e</c>), on a free loopback port: the one process harness
/// behind <see cref="NginxProcess"/> and <c>ReplicaBalancer</c>, which each give their own
/// <c>http {}</c> contents.
/// </summary>
public sealed class NginxRunner : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/nginx";

    private readonly Process _process;

    private NginxRunner(Process process, string folder, Uri address)
    {
        _process = process;
        Folder = folder;
        Address = address;
    }

    /// <summary>Why nginx tests cannot run here, or null when they can.</summary>
    public static string? Unavailable => File.Exists(Executable) ? null : $"nginx is not installed ({Executable}); test.sh installs Debian's package with apt-get install -y --no-install-recommends nginx.";

    /// <summary>The temp folder holding the config, the logs and the temp paths.</summary>
    public string Folder { get; }

    /// <summary>Where nginx listens.</summary>
    public Uri Address { get; }

    /// <summary>
    /// Writes the config (the process settings, then <c>http {}</c> with the temp paths and
    /// <paramref name="http"/>'s contents for the free port and the folder) and starts nginx,
    /// returning once <paramref name="ready"/> holds (20 s at most).
    /// </summary>
    public static async Task<NginxRunner> StartAsync(string prefix, Func<int, string, string> http, Func<NginxRunner, Task<bool>> ready)
    {
        var folder = Directory.CreateTempSubdirectory(prefix).FullName;
        var port = FreePort();
        var user = Environment.UserName == "root" ? "user root;\n" : string.Empty;
        var config = $$"""
            {{user}}daemon off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 1024; }
            http {
                client_body_temp_path {{folder}}/client_body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
            {{http(port, folder)}}
            }
            """;
        var path = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(path, config);
        var info = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-p", folder + "/", "-c", path, "-e", Path.Combine(folder, "error.log") })
        {
            info.ArgumentList.Add(arg);
        }

        var nginx = new NginxRunner(Process.Start(info)!, folder, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!await ready(nginx))
            {
                if (nginx._process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"nginx did not start: {nginx.Log("error.log", "(no error log)")}\n{config}");
                }

                await Task.Delay(50);
            }
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }

        return nginx;
    }

    /// <summary>The file <paramref name="name"/> of the folder (a log) so far, or <paramref name="missing"/>.</summary>
    public string Log(string name, string missing = "")
    {
        var log = Path.Combine(Folder, name);
        return File.Exists(log) ? File.ReadAllText(log) : missing;
    }

    /// <summary>Whether the port accepts connections now.</summary>
    public async Task<bool> AcceptsAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Address.Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>A loopback port free now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
