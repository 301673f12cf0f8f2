namespace Keel.Core.Errors;

/// <summary>
/// Error codes, spelled on the wire exactly as MLflow's <c>databricks.ErrorCode</c> enum
/// (see <see cref="ErrorCodes.ToWireName"/>), so MLflow clients recognise them.
/// </summary>
public enum ErrorCode
{
    InternalError,
    TemporarilyUnavailable,
    BadRequest,
    InvalidParameterValue,
    EndpointNotFound,
    MalformedRequest,
    InvalidState,
    PermissionDenied,
    Unauthenticated,
    ResourceAlreadyExists,
    ResourceDoesNotExist,
    ResourceLimitExceeded,
    RequestLimitExceeded,
    NotImplemented,

    /// <summary>The request body, or what it asks for (rows, items), is over a configured limit: HTTP 413. Keel's own code.</summary>
    RequestTooLarge,

    /// <summary>The disk holding the store or the artifacts is full: HTTP 507. Keel's own code; nothing acknowledged is lost.</summary>
    InsufficientStorage,
}
