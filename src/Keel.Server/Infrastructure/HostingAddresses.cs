using System.Net;

namespace Keel.Server.Infrastructure;

/// <summary>Tells loopback listening addresses (only this machine can connect) from the rest.</summary>
public static class HostingAddresses
{
    /// <summary>The warning both hosts log, and <c>keel server</c> / <c>keel serve</c> print, for a non-loopback address.</summary>
    /// <param name="address">The listening address, e.g. <c>http://0.0.0.0:5000</c>.</param>
    public static string Warning(string address) =>
        $"warning: listening on {address}, which is not a loopback address: anyone who can reach it can read and change everything (runs, models, deployments). Authentication comes in a later version; bind 127.0.0.1 or put an authenticating proxy in front.";

    /// <summary>
    /// True when <paramref name="address"/> (a URL such as <c>http://127.0.0.1:5000</c>, or a bare
    /// host) names a loopback interface: <c>localhost</c>, 127.0.0.0/8 or <c>::1</c>. Wildcards
    /// (<c>0.0.0.0</c>, <c>[::]</c>, <c>*</c>, <c>+</c>), other IP addresses and host names are not.
    /// </summary>
    public static bool IsLoopback(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var host = HostOf(address);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    private static string HostOf(string address)
    {
        var rest = address;
        var scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            rest = rest[(scheme + 3)..];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            rest = rest[..slash];
        }

        if (rest.StartsWith('['))
        {
            var end = rest.IndexOf(']', StringComparison.Ordinal);
            return end > 0 ? rest[..(end + 1)] : rest;
        }

        var colon = rest.LastIndexOf(':');
        return colon >= 0 && rest.IndexOf(':', StringComparison.Ordinal) == colon ? rest[..colon] : rest;
    }
}
