using System.Net;
using System.Net.Sockets;

namespace Keel.Client.Http;

/// <summary>Which failures are worth another attempt.</summary>
internal static class TransientFailures
{
    /// <summary>429, 502, 503 and 504: the server (or a proxy in front of it) asks us to come back later.</summary>
    public static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests
        or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Connection refused, reset or aborted, or the connection closed before an answer.</summary>
    public static bool IsTransient(Exception exception)
    {
        if (exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded })
        {
            return true;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.ConnectionAborted })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>429: the server refused the call before doing it (a rate limit), so even a create may be sent again.</summary>
    public static bool RefusedBeforeDoing(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests;

    /// <summary>
    /// The connection was refused: no server received the request, so even a create may be sent
    /// again. A reset or a connection closed before the answer is not this: the server may have
    /// done the call.
    /// </summary>
    public static bool NeverReachedServer(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }
}
