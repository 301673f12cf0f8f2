using System.Net;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Protocol;

namespace Keel.Client.Http;

/// <summary>Turns an unsuccessful answer into a <see cref="KeelException"/>.</summary>
internal static class ErrorMapping
{
    private const int MaxBodyInMessage = 300;

    public static async Task<KeelException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (TryParse(body) is { } error)
        {
            return new KeelException(ErrorCodes.FromWireName(error.ErrorCode), error.Message);
        }

        var status = (int)response.StatusCode;
        var text = string.IsNullOrWhiteSpace(body) ? response.ReasonPhrase ?? string.Empty : OneLine(body);
        return new KeelException(FromStatus(response.StatusCode), $"HTTP {status} from {response.RequestMessage?.RequestUri?.AbsolutePath}: {text}".TrimEnd(' ', ':'));
    }

    /// <summary>MLflow's body <c>{"error_code": ..., "message": ...}</c>, or null when the body is something else.</summary>
    private static ErrorResponse? TryParse(string body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            var error = JsonSerializer.Deserialize<ErrorResponse>(body, KeelJson.Options);
            return error is { ErrorCode: not null } ? error with { Message = error.Message ?? string.Empty } : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The code MLflow would have sent with this status, for answers without an error body.</summary>
    private static ErrorCode FromStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => ErrorCode.BadRequest,
        HttpStatusCode.Unauthorized => ErrorCode.Unauthenticated,
        HttpStatusCode.Forbidden => ErrorCode.PermissionDenied,
        HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed => ErrorCode.EndpointNotFound,
        HttpStatusCode.TooManyRequests => ErrorCode.RequestLimitExceeded,
        HttpStatusCode.NotImplemented => ErrorCode.NotImplemented,
        HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout => ErrorCode.TemporarilyUnavailable,
        _ => ErrorCode.InternalError,
    };

    private static string OneLine(string body)
    {
        var text = body.ReplaceLineEndings(" ").Trim();
        return text.Length <= MaxBodyInMessage ? text : text[..MaxBodyInMessage] + "...";
    }
}
