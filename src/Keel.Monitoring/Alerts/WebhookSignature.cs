using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Keel.Monitoring.Alerts;

/// <summary>
/// How alert webhooks are signed, and how a receiver checks them (docs/monitoring.md, "Verifying a
/// webhook"). The signed content is the timestamp header's value, a dot, and the raw body bytes;
/// the signature is <c>sha256=</c> and the lowercase hex HMAC-SHA256 of that content with the
/// secret (UTF-8). Signing the timestamp lets a receiver refuse replays: a captured request cannot
/// be sent again later with a fresh timestamp without the secret.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header holding <c>sha256=&lt;hex&gt;</c>.</summary>
    public const string SignatureHeader = "X-Keel-Signature";

    /// <summary>The header holding the Unix time in seconds the request was signed at (each attempt is signed again).</summary>
    public const string TimestampHeader = "X-Keel-Timestamp";

    /// <summary>The header holding the delivery's id: the same on every attempt, so a receiver can drop duplicates.</summary>
    public const string DeliveryHeader = "X-Keel-Delivery";

    /// <summary>The header holding the change: <c>alert.firing</c> or <c>alert.resolved</c>.</summary>
    public const string EventHeader = "X-Keel-Event";

    /// <summary>How old a timestamp <see cref="Verify"/> accepts by default.</summary>
    public static TimeSpan DefaultTolerance { get; } = TimeSpan.FromMinutes(5);

    /// <summary>The <see cref="SignatureHeader"/> value for <paramref name="body"/> signed at <paramref name="timestampSeconds"/>.</summary>
    public static string Sign(string secret, long timestampSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return "sha256=" + Convert.ToHexStringLower(Mac(secret, timestampSeconds.ToString(CultureInfo.InvariantCulture), body));
    }

    /// <summary>
    /// Whether <paramref name="signature"/> and <paramref name="timestamp"/> (the two headers as
    /// received) sign <paramref name="body"/> with <paramref name="secret"/>, and the timestamp is
    /// within <paramref name="tolerance"/> of <paramref name="now"/>. Compares in constant time.
    /// </summary>
    public static bool Verify(string secret, string? signature, string? timestamp, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (signature is null || !signature.StartsWith("sha256=", StringComparison.Ordinal)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > (tolerance ?? DefaultTolerance).TotalSeconds)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.AsSpan(7));
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(given, Mac(secret, timestamp!, body));
    }

    private static byte[] Mac(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), content);
    }
}
