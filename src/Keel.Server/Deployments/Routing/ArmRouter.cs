using System.Buffers;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Predictions;

namespace Keel.Server.Deployments.Routing;

/// <summary>
/// Picks the arm of one request. With a routing key, the key's UTF-8 bytes are hashed with
/// XxHash3 (seed 0: the same in every process, on every machine, after every restart) into one of
/// 100 buckets, and the request goes to the candidate when its bucket is below the candidate's
/// weight: an entity stays on its arm as long as the weight does not drop below its bucket, and
/// raising the weight only moves entities from stable to candidate. Without a key (none
/// configured, or the request does not carry it) each request draws a bucket at random.
/// </summary>
internal static class ArmRouter
{
    /// <summary>The number of buckets a key hashes into: one per percent of weight.</summary>
    public const int Buckets = 100;

    /// <summary>The bucket of <paramref name="key"/>, 0 to 99: the same for the same key everywhere.</summary>
    public static int Bucket(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        var buffer = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(key, buffer);
            return (int)(XxHash3.HashToUInt64(buffer[..written]) % Buckets);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The arm for a request with routing key <paramref name="key"/> (null: none).</summary>
    public static string Pick(ArmTable table, string? key)
    {
        if (table.Candidate is null || table.Weight <= 0)
        {
            return DeploymentArms.Stable;
        }

        if (table.Weight >= Buckets)
        {
            return DeploymentArms.Candidate;
        }

        var bucket = key is null ? Random.Shared.Next(Buckets) : Bucket(key);
        return bucket < table.Weight ? DeploymentArms.Candidate : DeploymentArms.Stable;
    }

    /// <summary>Whether the split depends on a routing key the request must be read for.</summary>
    public static bool NeedsKey(ArmTable table) => table.Candidate is not null && table.Weight is > 0 and < Buckets && table.Key is not null;

    /// <summary>The routing key from the request header, or null when the request has none.</summary>
    public static string? HeaderKey(RoutingKey key, HttpRequest request) =>
        key.Header is { } header && request.Headers.TryGetValue(header, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    /// <summary>
    /// The routing key from the input column: the first row's value decides for the whole request
    /// (a request goes to one arm); null when the first row has no usable value.
    /// </summary>
    public static string? ColumnKey(RoutingKey key, IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows) =>
        key.Column is { } column && rows.Count > 0 && rows[0].TryGetValue(column, out var value) ? Text(value) : null;

    /// <summary>Whether a request is copied to the shadow, for a share in (0, 1].</summary>
    public static bool Mirror(double share) => share >= 1 || (share > 0 && Random.Shared.NextDouble() < share);

    /// <summary>A key's text: a string as is, a number or boolean as written in JSON.</summary>
    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : null,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
