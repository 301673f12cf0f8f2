using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Keel.Cli.Tests.Serve;

/// <summary>
/// Debian's nginx as a loopback load balancer in front of replicas: its own nginx.conf in a temp
/// folder, run as a non-daemon child (<c>-p</c>, <c>-c</c>, <c>-e</c>), with an upstream that
/// retries a request on the next replica when one refuses the connection or answers 502/503
/// (including POSTs: scoring has no side effect a retry could repeat harmfully).
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/nginx";

    private readonly Process _process;
    private readonly string _folder;

    private NginxProcess(Process process, string folder, Uri address)
    {
        _process = process;
        _folder = folder;
        Address = address;
    }

    /// <summary>Where nginx listens.</summary>
    public Uri Address { get; }

    /// <summary>Why nginx tests cannot run here, or null when they can.</summary>
    public static string? Unavailable => File.Exists(Executable) ? null : $"nginx is not installed ({Executable}); test.sh installs Debian's package with apt-get install -y --no-install-recommends nginx.";

    /// <summary>Writes the config for <paramref name="upstreams"/> and starts nginx, returning once it answers.</summary>
    public static async Task<NginxProcess> StartAsync(IReadOnlyList<Uri> upstreams, Func<Uri, Task<bool>> ready)
    {
        var folder = Directory.CreateTempSubdirectory("keel-nginx-").FullName;
        var port = FreePort();
        var servers = string.Concat(upstreams.Select(u => $"        server {u.Host}:{u.Port.ToString(CultureInfo.InvariantCulture)} max_fails=1 fail_timeout=2s;\n"));
        var user = Environment.UserName == "root" ? "user root;\n" : string.Empty;
        var config = $$"""
            {{user}}daemon off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{folder}}/client_body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                upstream replicas {
            {{servers}}    }
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass http://replicas;
                        proxy_next_upstream error timeout http_502 http_503 non_idempotent;
                        proxy_next_upstream_tries 6;
                        proxy_connect_timeout 2s;
                    }
                }
            }
            """;
        var path = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(path, config);
        var info = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-p", folder + "/", "-c", path, "-e", Path.Combine(folder, "error.log") })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var nginx = new NginxProcess(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!await ready(nginx.Address))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"nginx did not start: {nginx.ErrorLog()}");
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

    /// <summary>nginx's error log so far.</summary>
    public string ErrorLog()
    {
        var log = Path.Combine(_folder, "error.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no error log)";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
