using System.Net;

namespace Keel.Core.Security;

/// <summary>
/// Cloud instance-metadata endpoints, which hand out the host's cloud credentials to whoever can
/// make it send a request (MLflow's CVE-2026-2393: an SSRF through webhook URLs). Keel refuses URLs
/// naming them wherever it would send a request itself (alert webhooks). The check is lexical (an
/// IP literal or a well-known name): a DNS name that resolves to such an address is not caught, so
/// block 169.254.169.254 from the host too (or use IMDSv2).
/// </summary>
public static class MetadataEndpoints
{
    private static readonly HashSet<string> KnownHosts = new(StringComparer.OrdinalIgnoreCase)
    {
        "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
    };

    private static readonly IPAddress AwsIpv6 = IPAddress.Parse("fd00:ec2::254");

    /// <summary>Whether <paramref name="url"/> names a link-local address (169.254.0.0/16, fe80::/10; AWS, Azure, GCP metadata) or a metadata host name.</summary>
    public static bool Names(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var host = url.IdnHost.TrimEnd('.');
        if (KnownHosts.Contains(host))
        {
            return true;
        }

        if (!IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.IsIPv6LinkLocal
            || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.GetAddressBytes() is [169, 254, _, _])
            || address.Equals(AwsIpv6);
    }
}
