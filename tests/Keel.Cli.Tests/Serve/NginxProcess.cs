using System.Globalization;

namespace Keel.Cli.Tests.Serve;

/// <summary>
/// Debian's nginx as a loopback load balancer in front of replicas (<see cref="NginxRunner"/>), with
/// an upstream that retries a request on the next replica when one refuses the connection or answers
/// 502/503 (including POSTs: scoring has no side effect a retry could repeat harmfully).
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    private readonly NginxRunner _nginx;

    private NginxProcess(NginxRunner nginx) => _nginx = nginx;

    /// <summary>Where nginx listens.</summary>
    public Uri Address => _nginx.Address;

    /// <summary>Why nginx tests cannot run here, or null when they can.</summary>
    public static string? Unavailable => NginxRunner.Unavailable;

    /// <summary>Writes the config for <paramref name="upstreams"/> and starts nginx, returning once it answers.</summary>
    public static async Task<NginxProcess> StartAsync(IReadOnlyList<Uri> upstreams, Func<Uri, Task<bool>> ready)
    {
        var servers = string.Concat(upstreams.Select(u => $"        server {u.Host}:{u.Port.ToString(CultureInfo.InvariantCulture)} max_fails=1 fail_timeout=2s;\n"));
        return new NginxProcess(await NginxRunner.StartAsync(
            "keel-nginx-",
            (port, _) => $$"""
                access_log off;
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
            """,
            nginx => ready(nginx.Address)));
    }

    /// <summary>nginx's error log so far.</summary>
    public string ErrorLog() => _nginx.Log("error.log", "(no error log)");

    public ValueTask DisposeAsync() => _nginx.DisposeAsync();
}
