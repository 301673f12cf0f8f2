using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Cli.Tests.Serve;

namespace Keel.Cli.Tests.Replicas;

/// <summary>
/// Debian's nginx (<see cref="NginxRunner"/>) serving <c>deploy/nginx.conf</c> itself: the upstream's <c>server</c> lines are
/// replaced by the replicas' loopback addresses and <c>listen 80</c> by a free loopback port;
/// every other setting (no retry of non-idempotent requests, keep-alive, timeouts, body sizes) is the
/// file's own.
/// </summary>
public sealed partial class ReplicaBalancer : IAsyncDisposable
{
    public const string Executable = NginxRunner.Executable;

    private readonly NginxRunner _nginx;

    private ReplicaBalancer(NginxRunner nginx) => _nginx = nginx;

    /// <summary>Where nginx listens.</summary>
    public Uri Address => _nginx.Address;

    /// <summary>Why the replica tests cannot run here, or null when they can.</summary>
    public static string? Unavailable => NginxRunner.Unavailable;

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
        var deployed = await File.ReadAllTextAsync(DeployedConfigPath);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return new ReplicaBalancer(await NginxRunner.StartAsync(
            "keel-lb-",
            (port, folder) => $$"""
                log_format replicas '$request_method $uri $status upstream=$upstream_addr upstream_status=$upstream_status';
                access_log {{folder}}/access.log replicas;
            {{SiteConfig(deployed, replicas, port)}}
            """,
            nginx => waitForHealth ? ReplicaCluster.AnswersHealthAsync(http, nginx.Address) : nginx.AcceptsAsync()));
    }

    /// <summary>nginx's error log so far.</summary>
    public string ErrorLog() => _nginx.Log("error.log", "(no error log)");

    /// <summary>nginx's access log so far, a line per request: <c>METHOD PATH STATUS upstream=ADDR[, ADDR] upstream_status=S[, S]</c>.</summary>
    public string AccessLog() => _nginx.Log("access.log");

    public ValueTask DisposeAsync() => _nginx.DisposeAsync();

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

    internal static int FreePort() => NginxRunner.FreePort();

    [GeneratedRegex(@"^[ \t]*server[ \t]+[^\s;]+:\d+(?<options>[^;\n]*);[ \t]*\r?\n", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"^[ \t]*listen[ \t]+80;[ \t]*\r?\n", RegexOptions.Multiline)]
    private static partial Regex ListenLine();
}
