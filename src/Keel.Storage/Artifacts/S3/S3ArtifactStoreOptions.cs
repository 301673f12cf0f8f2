using Amazon.Runtime;
using Keel.Core.Errors;

namespace Keel.Storage.Artifacts.S3;

/// <summary>
/// How Keel reaches an S3-compatible object store. Bound from the <c>Keel:S3</c> configuration
/// section (e.g. <c>Keel__S3__EndpointUrl</c>); unset values fall back to the environment
/// (<see cref="WithEnvironment"/>) and then to the AWS SDK's own defaults.
/// </summary>
public sealed class S3ArtifactStoreOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "Keel:S3";

    /// <summary>The smallest part S3 accepts (every part but the last).</summary>
    public const long MinPartSizeBytes = 5L * 1024 * 1024;

    /// <summary>
    /// The endpoint of a store other than AWS (MinIO, Ceph, R2, a test server), e.g. <c>http://127.0.0.1:9000</c>.
    /// </summary>
    /// <value>null: <c>$MLFLOW_S3_ENDPOINT_URL</c>, then <c>$AWS_ENDPOINT_URL_S3</c> / <c>$AWS_ENDPOINT_URL</c>, else AWS itself.</value>
    public string? EndpointUrl { get; set; }

    /// <summary>The region requests are signed for.</summary>
    /// <value>null: <c>$AWS_REGION</c> / <c>$AWS_DEFAULT_REGION</c> or the AWS profile; <c>us-east-1</c> with a custom endpoint and none of them.</value>
    public string? Region { get; set; }

    /// <summary>Whether buckets are addressed in the path (<c>http://host/bucket/key</c>) rather than the host name.</summary>
    /// <value>null: path style with a custom endpoint (what MinIO and most self-hosted stores need), virtual-host style on AWS.</value>
    public bool? ForcePathStyle { get; set; }

    /// <summary>Files larger than this are uploaded in parts (multipart upload); smaller ones in one PUT.</summary>
    /// <value>16 MiB. At most this much of an upload is held in memory before the first request.</value>
    public long MultipartThresholdBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>The size of each part of a multipart upload (S3 needs at least 5 MiB, and at most 10,000 parts).</summary>
    /// <value>8 MiB: files up to 78 GiB. One part is held in memory at a time.</value>
    public long PartSizeBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>How many keys one list request asks for (S3 returns at most 1,000).</summary>
    /// <value>1000.</value>
    public int ListPageSize { get; set; } = 1000;

    /// <summary>Credentials to use instead of the SDK's standard chain (environment, profile, instance role). Not bound from configuration.</summary>
    /// <value>null: the SDK's chain (<c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_PROFILE</c>, ...).</value>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// A copy with unset values taken from the environment: the endpoint from <c>MLFLOW_S3_ENDPOINT_URL</c>
    /// (as MLflow), <c>AWS_ENDPOINT_URL_S3</c> or <c>AWS_ENDPOINT_URL</c>; the region from <c>AWS_REGION</c> or
    /// <c>AWS_DEFAULT_REGION</c>; path style from <c>KEEL_S3_FORCE_PATH_STYLE</c>; and, when
    /// <paramref name="environment"/> is given, credentials from its <c>AWS_ACCESS_KEY_ID</c>,
    /// <c>AWS_SECRET_ACCESS_KEY</c> and <c>AWS_SESSION_TOKEN</c> (without it the SDK's chain reads them).
    /// </summary>
    /// <param name="environment">Reads a variable; the process environment when null.</param>
    public S3ArtifactStoreOptions WithEnvironment(Func<string, string?>? environment = null)
    {
        var copy = (S3ArtifactStoreOptions)MemberwiseClone();
        if (environment is not null && copy.Credentials is null && environment("AWS_ACCESS_KEY_ID") is { Length: > 0 } keyId && environment("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } secret)
        {
            copy.Credentials = environment("AWS_SESSION_TOKEN") is { Length: > 0 } token ? new SessionAWSCredentials(keyId, secret, token) : new BasicAWSCredentials(keyId, secret);
        }

        environment ??= Environment.GetEnvironmentVariable;
        copy.EndpointUrl ??= FirstSet(environment, "MLFLOW_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
        copy.Region ??= FirstSet(environment, "AWS_REGION", "AWS_DEFAULT_REGION");
        if (copy.ForcePathStyle is null && environment("KEEL_S3_FORCE_PATH_STYLE") is { Length: > 0 } pathStyle && bool.TryParse(pathStyle, out var parsed))
        {
            copy.ForcePathStyle = parsed;
        }

        return copy;
    }

    /// <summary>Refuses settings S3 cannot work with.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE: a part under 5 MiB, a page size outside 1..1000, an endpoint that is not an http(s) URL.</exception>
    public void Validate()
    {
        if (PartSizeBytes < MinPartSizeBytes || PartSizeBytes > int.MaxValue)
        {
            throw KeelException.InvalidParameter($"Keel:S3:PartSizeBytes must be between {MinPartSizeBytes} (5 MiB, S3's smallest part) and {int.MaxValue}.");
        }

        if (MultipartThresholdBytes < 1 || MultipartThresholdBytes > int.MaxValue)
        {
            throw KeelException.InvalidParameter($"Keel:S3:MultipartThresholdBytes must be between 1 and {int.MaxValue}.");
        }

        if (ListPageSize is < 1 or > 1000)
        {
            throw KeelException.InvalidParameter("Keel:S3:ListPageSize must be between 1 and 1000.");
        }

        if (EndpointUrl is { Length: > 0 } endpoint && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            throw KeelException.InvalidParameter($"The S3 endpoint URL '{endpoint}' is not an http:// or https:// URL.");
        }
    }

    private static string? FirstSet(Func<string, string?> environment, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (environment(name) is { Length: > 0 } value)
            {
                return value;
            }
        }

        return null;
    }
}
