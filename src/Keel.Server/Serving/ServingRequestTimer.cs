using System.Diagnostics;

namespace Keel.Server.Serving;

/// <summary>
/// Times one scoring request and records it when it ends: <see cref="Done"/> with the answer, or
/// <see cref="Failed"/> as an exception passes. A struct, so timing a request allocates nothing;
/// <c>default</c> is a timer that records nothing.
/// </summary>
public readonly struct ServingRequestTimer
{
    /// <summary>nginx's "client closed request": the client went away before the answer.</summary>
    public const int ClientClosedRequest = 499;

    private readonly ServingMetrics.ModelSeries? _series;
    private readonly long _start;
    private readonly CancellationToken _requestAborted;

    internal ServingRequestTimer(ServingMetrics.ModelSeries series, long start, CancellationToken requestAborted)
    {
        _series = series;
        _start = start;
        _requestAborted = requestAborted;
    }

    /// <summary>Records the request as answered with <paramref name="result"/> (an error when its status is 4xx or 5xx) after scoring <paramref name="rows"/> rows; returns <paramref name="result"/>.</summary>
    public IResult Done(IResult result, int rows = 0)
    {
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        _series?.Record(status, rows, Stopwatch.GetElapsedTime(_start).TotalSeconds);
        return result;
    }

    /// <summary>
    /// Records the request as failed with the status the error middleware answers
    /// <paramref name="exception"/> with. Returns false, so it fits an exception filter
    /// (<c>catch (Exception e) when (timer.Failed(e))</c>) that lets the exception pass untouched.
    /// </summary>
    public bool Failed(Exception exception)
    {
        _series?.Record(StatusOf(exception), 0, Stopwatch.GetElapsedTime(_start).TotalSeconds);
        return false;
    }

    /// <summary>The HTTP status ErrorHandling gives <paramref name="exception"/>.</summary>
    private int StatusOf(Exception exception) =>
        exception is OperationCanceledException && _requestAborted.IsCancellationRequested
            ? ClientClosedRequest
            : Infrastructure.ErrorHandling.StatusOf(exception);
}
