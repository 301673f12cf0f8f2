namespace Keel.Core.Errors;

/// <summary>The one table from <see cref="ErrorCode"/> to wire names and HTTP statuses.</summary>
/// <remarks>
/// Statuses follow MLflow's <c>ERROR_CODE_TO_HTTP_STATUS</c> (mlflow/exceptions.py), except
/// INVALID_STATE: MLflow answers 500, Keel 400, since Keel raises it for a request the resource's
/// state refuses (a deployment transition that is not allowed now), which the caller must resolve,
/// and otherwise only at start-up (a damaged or foreign database), never for a request.
/// </remarks>
public static class ErrorCodes
{
    /// <summary>The MLflow wire name, e.g. <c>INVALID_PARAMETER_VALUE</c>.</summary>
    public static string ToWireName(this ErrorCode code) => code switch
    {
        ErrorCode.InternalError => "INTERNAL_ERROR",
        ErrorCode.TemporarilyUnavailable => "TEMPORARILY_UNAVAILABLE",
        ErrorCode.BadRequest => "BAD_REQUEST",
        ErrorCode.InvalidParameterValue => "INVALID_PARAMETER_VALUE",
        ErrorCode.EndpointNotFound => "ENDPOINT_NOT_FOUND",
        ErrorCode.MalformedRequest => "MALFORMED_REQUEST",
        ErrorCode.InvalidState => "INVALID_STATE",
        ErrorCode.PermissionDenied => "PERMISSION_DENIED",
        ErrorCode.Unauthenticated => "UNAUTHENTICATED",
        ErrorCode.ResourceAlreadyExists => "RESOURCE_ALREADY_EXISTS",
        ErrorCode.ResourceDoesNotExist => "RESOURCE_DOES_NOT_EXIST",
        ErrorCode.ResourceLimitExceeded => "RESOURCE_LIMIT_EXCEEDED",
        ErrorCode.RequestLimitExceeded => "REQUEST_LIMIT_EXCEEDED",
        ErrorCode.NotImplemented => "NOT_IMPLEMENTED",
        ErrorCode.RequestTooLarge => "REQUEST_TOO_LARGE",
        ErrorCode.InsufficientStorage => "INSUFFICIENT_STORAGE",
        _ => "INTERNAL_ERROR",
    };

    /// <summary>Parses a wire name back; unknown names become <see cref="ErrorCode.InternalError"/>.</summary>
    public static ErrorCode FromWireName(string? name)
    {
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            if (string.Equals(code.ToWireName(), name, StringComparison.Ordinal))
            {
                return code;
            }
        }

        return ErrorCode.InternalError;
    }

    /// <summary>The HTTP status MLflow answers with for this code.</summary>
    public static int ToHttpStatus(this ErrorCode code) => code switch
    {
        ErrorCode.BadRequest or ErrorCode.InvalidParameterValue or ErrorCode.MalformedRequest
            or ErrorCode.ResourceAlreadyExists or ErrorCode.InvalidState => 400,
        ErrorCode.Unauthenticated => 401,
        ErrorCode.PermissionDenied => 403,
        ErrorCode.ResourceDoesNotExist or ErrorCode.EndpointNotFound => 404,
        ErrorCode.RequestLimitExceeded or ErrorCode.ResourceLimitExceeded => 429,
        ErrorCode.RequestTooLarge => 413,
        ErrorCode.NotImplemented => 501,
        ErrorCode.InsufficientStorage => 507,
        ErrorCode.TemporarilyUnavailable => 503,
        _ => 500,
    };
}
