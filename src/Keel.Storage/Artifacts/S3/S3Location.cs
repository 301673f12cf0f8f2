using System.Text.RegularExpressions;
using Keel.Core.Artifacts;
using Keel.Core.Errors;

namespace Keel.Storage.Artifacts.S3;

/// <summary>An artifact root in a bucket: <c>s3://bucket</c> or <c>s3://bucket/prefix/inside</c>.</summary>
/// <param name="Bucket">The bucket name.</param>
/// <param name="Prefix">The key prefix every artifact lives under, normalised, without slashes at either end; "" for the bucket's root.</param>
public sealed partial record S3Location(string Bucket, string Prefix)
{
    /// <summary>The URI scheme.</summary>
    public const string Scheme = "s3";

    [GeneratedRegex("^[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]\\z", RegexOptions.CultureInvariant)]
    private static partial Regex BucketName();

    /// <summary>The root as a URI: <c>s3://bucket/prefix</c>.</summary>
    public string Uri => Prefix.Length == 0 ? $"{Scheme}://{Bucket}" : $"{Scheme}://{Bucket}/{Prefix}";

    /// <summary>Whether <paramref name="uri"/> starts with <c>s3://</c> (any case).</summary>
    public static bool IsS3(string? uri) => uri is not null && uri.StartsWith(Scheme + "://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>s3://bucket[/prefix]</c>; the prefix goes through <see cref="ArtifactPath.Normalize"/>.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for another scheme, a bad bucket name, a query, or an unsafe prefix.</exception>
    public static S3Location Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!IsS3(uri))
        {
            throw KeelException.InvalidParameter($"Not an S3 URI: '{uri}'. Expected s3://bucket/prefix.");
        }

        var rest = uri[(Scheme.Length + 3)..];
        if (rest.IndexOfAny(['?', '#']) >= 0)
        {
            throw KeelException.InvalidParameter($"Invalid S3 URI '{uri}': a query or fragment is not allowed. Configure the endpoint with MLFLOW_S3_ENDPOINT_URL or Keel:S3:EndpointUrl.");
        }

        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        if (!BucketName().IsMatch(bucket) || bucket.Contains("..", StringComparison.Ordinal))
        {
            throw KeelException.InvalidParameter($"Invalid S3 URI '{uri}': '{bucket}' is not a valid bucket name (3-63 lower-case letters, digits, '.' and '-').");
        }

        string prefix;
        try
        {
            prefix = ArtifactPath.Normalize(slash < 0 ? string.Empty : rest[(slash + 1)..]);
        }
        catch (KeelException e)
        {
            throw KeelException.InvalidParameter($"Invalid S3 URI '{uri}': {e.Message}");
        }

        return new S3Location(bucket, prefix);
    }

    /// <summary>The object key of a normalised relative path (<c>prefix/path</c>).</summary>
    public string Key(string relative) => ArtifactPath.Combine(Prefix, relative);

    /// <summary>The key prefix that lists the children of a normalised relative directory (ends with <c>/</c>, or "" for the bucket root).</summary>
    public string DirectoryPrefix(string relative)
    {
        var key = Key(relative);
        return key.Length == 0 ? string.Empty : key + "/";
    }
}
