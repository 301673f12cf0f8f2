using Keel.Core.Errors;

namespace Keel.Server.Artifacts;

/// <summary>Limits of the artifact endpoints. Bound from the <c>Keel:Artifacts</c> configuration section.</summary>
public sealed class ArtifactsOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Keel:Artifacts";

    /// <summary>Largest accepted upload (one PUT to the artifact proxy), in bytes.</summary>
    /// <value>5 GiB, MLflow's largest single-part upload to S3.</value>
    public long MaxUploadBytes { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>Checks the values at start-up.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE with every problem found.</exception>
    public void Validate()
    {
        if (MaxUploadBytes <= 0)
        {
            throw KeelException.InvalidParameter($"{SectionName}:MaxUploadBytes must be a positive number of bytes; it is {MaxUploadBytes}.");
        }
    }

    /// <summary>The error for an upload over <see cref="MaxUploadBytes"/>: 413 REQUEST_TOO_LARGE.</summary>
    internal KeelException TooLarge() => new(
        ErrorCode.RequestTooLarge,
        $"Artifact upload exceeds the maximum size of {MaxUploadBytes} bytes. Raise {SectionName}:MaxUploadBytes on the server to allow larger files.");
}
