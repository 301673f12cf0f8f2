using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Keel.Cli.Tests.Replicas;

/// <summary>
/// Debian's nginx, run as a non-root, non-daemon child with everything (pid, logs, temp folders) in
/// a temp folder, serving <c>deploy/nginx.conf</c> itself: the upstream's <c>server</c> lines are
/// replaced by the replicas' loopback addresses and <c>listen 80</c> by a free loopback port;
/// every other setting (no retry of non-idempotent requests, keep-alive, timeouts, body sizes) is the
/// file's own.
/// </summary>
public sealed partial class ReplicaBalancer : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/nginx";

    private readonly Process _process;
    private readonly string _folder;

    private ReplicaBalancer(Process process, string folder, Uri address)
    {
        _process = process;
        _folder = folder;
        Address = address;
    }

    /// <summary>Where nginx listens.</summary>
    public Uri Address { get; }

    /// <summary>Why the replica tests cannot run here, or null when they can.</summary>
    public static string? Unavailable => File.Exists(Executable) ? null : $"nginx is not installed ({Executable}); test.sh installs Debian's package with apt-get install -y --no-install-recommends nginx.";

    /// <summary>The deployment's nginx snippet, <c>deploy/nginx.conf</c>.</summary>
    public static string DeployedConfigPath => Path.Combine(RepositoryRoot(), "deploy", "nginx.conf");

    /// <summary>
    /// The deployment snippet with <paramref name="replicas"/> as its upstream and <paramref name="port"/>
    /// as its loopback port; throws when the snippet no longer has the lines it replaces.
    /// </summary>
    public static string SiteConfig(string deployed, IReadOnlyList<Uri> replicas, int port)
    {
        var servers = UpstreamServer().Matches(deployed);
        if (servers.Count == 0 || ListenLine().Matches(deployed).Count != 1)
        {
            throw new InvalidOperationException("deploy/nginx.conf has no upstream 'server host:port ...;' lines or not exactly one 'listen 80;' line.");
        }

        var options = servers[0].Groups["options"].Value;
        var lines = string.Concat(replicas.Select(r => $"    server {r.Host}:{r.Port.ToString(CultureInfo.InvariantCulture)}{options};\n"));
        var first = true;
        var site = UpstreamServer().Replace(deployed, _ =>
        {
            var text = first ? lines : string.Empty;
            first = false;
            return text;
        });
        return ListenLine().Replace(site, $"    listen 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};\n");
    }

    /// <summary>
    /// Writes the config for <paramref name="replicas"/>, starts nginx, and returns once its /health
    /// answers 200 (20 s at most), or, without <paramref name="waitForHealth"/>, once its port accepts connections.
    /// </summary>
    public static async Task<ReplicaBalancer> StartAsync(IReadOnlyList<Uri> replicas, bool waitForHealth = true)
    {
        var folder = Directory.CreateTempSubdirectory("keel-lb-").FullName;
        var port = FreePort();
        var site = SiteConfig(await File.ReadAllTextAsync(DeployedConfigPath), replicas, port);
        var user = Environment.UserName == "root" ? "user root;\n" : string.Empty;
        var config = $$"""
            {{user}}daemon off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 1024; }
            http {
                log_format replicas '$request_method $uri $status upstream=$upstream_addr upstream_status=$upstream_status';
                access_log {{folder}}/access.log replicas;
                client_body_temp_path {{folder}}/client_body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
            {{site}}
            }
            """;
        var path = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(path, config);
        var info = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-p", folder + "/", "-c", path, "-e", Path.Combine(folder, "error.log") })
        {
            info.ArgumentList.Add(arg);
        }

        var balancer = new ReplicaBalancer(Process.Start(info)!, folder, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!(waitForHealth ? await ReplicaCluster.AnswersHealthAsync(http, balancer.Address) : await AcceptsAsync(port)))
            {
                if (balancer._process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"nginx did not start: {balancer.ErrorLog()}\n{config}");
                }

                await Task.Delay(50);
            }
        }
        catch
        {
            await balancer.DisposeAsync();
            throw;
        }

        return balancer;
    }

    /// <summary>nginx's error log so far.</summary>
    public string ErrorLog()
    {
        var log = Path.Combine(_folder, "error.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no error log)";
    }

    /// <summary>nginx's access log so far, a line per request: <c>METHOD PATH STATUS upstream=ADDR[, ADDR] upstream_status=S[, S]</c>.</summary>
    public string AccessLog()
    {
        var log = Path.Combine(_folder, "access.log");
        return File.Exists(log) ? File.ReadAllText(log) : string.Empty;
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

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keel.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Keel.slnx not found above " + AppContext.BaseDirectory);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^[ \t]*server[ \t]+[^\s;]+:\d+(?<options>[^;\n]*);[ \t]*\r?\n", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"^[ \t]*listen[ \t]+80;[ \t]*\r?\n", RegexOptions.Multiline)]
    private static partial Regex ListenLine();
}
