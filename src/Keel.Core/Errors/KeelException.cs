namespace Keel.Core.Errors;

/// <summary>
/// The one exception type Keel throws for expected failures. The server turns it into
/// MLflow-style JSON (<c>{"error_code": ..., "message": ...}</c>) with the status from
/// <see cref="ErrorCodes.ToHttpStatus"/>; the CLI prints its message on one line.
/// </summary>
public sealed class KeelException : Exception
{
    public KeelException(ErrorCode code, string message)
        : base(message) => Code = code;

    public KeelException(ErrorCode code, string message, Exception inner)
        : base(message, inner) => Code = code;

    /// <summary>What went wrong, as MLflow names it.</summary>
    public ErrorCode Code { get; }

    /// <summary>Shorthand for <see cref="ErrorCode.InvalidParameterValue"/>.</summary>
    public static KeelException InvalidParameter(string message) => new(ErrorCode.InvalidParameterValue, message);

    /// <summary>Shorthand for <see cref="ErrorCode.ResourceDoesNotExist"/>.</summary>
    public static KeelException NotFound(string message) => new(ErrorCode.ResourceDoesNotExist, message);

    /// <summary>Shorthand for <see cref="ErrorCode.ResourceAlreadyExists"/>.</summary>
    public static KeelException AlreadyExists(string message) => new(ErrorCode.ResourceAlreadyExists, message);
}
