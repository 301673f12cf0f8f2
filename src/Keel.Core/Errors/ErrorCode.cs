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
}
