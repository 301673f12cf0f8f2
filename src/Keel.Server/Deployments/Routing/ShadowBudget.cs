using System.Diagnostics;

namespace Keel.Server.Deployments.Routing;

/// <summary>
/// One shadow worker's share of the machine while the callers' path is saturated: the worker
/// reports each copy's scoring time and whether the machine was saturated (callers' work waiting
/// for the thread pool, or copies waiting for the worker); while it was, the worker may be busy
/// at most <c>share</c> of the wall time, measured over periods of at most one second, and is told
/// how long to rest. While nothing waits the budget is not spent: spare capacity is mirrored in
/// full. Copies that arrive while the worker rests wait in the bounded queue, and are dropped and
/// counted when it is full.
/// </summary>
internal sealed class ShadowBudget(double share)
{
    /// <summary>Rests shorter than this are carried over (timers are not that precise); the debt is paid once it adds up.</summary>
    internal static readonly TimeSpan MinimumRest = TimeSpan.FromMilliseconds(1);

    private static readonly long Period = Stopwatch.Frequency; // one second of timestamps

    private long _periodStart = -1;
    private long _busy;

    /// <summary>
    /// Records a copy scored from <paramref name="start"/> to <paramref name="end"/> (timestamps of
    /// <see cref="Stopwatch"/>'s frequency); returns how long to rest before the next copy (zero: none).
    /// </summary>
    public TimeSpan Spent(long start, long end, bool saturated)
    {
        if (share >= 1 || !saturated)
        {
            _periodStart = -1;
            _busy = 0;
            return TimeSpan.Zero;
        }

        if (_periodStart < 0 || end - _periodStart > Period)
        {
            _periodStart = start;
            _busy = 0;
        }

        _busy += end - start;
        var allowedEnd = _periodStart + (long)(_busy / share);
        var rest = TimeSpan.FromSeconds((double)(allowedEnd - end) / Stopwatch.Frequency);
        return rest >= MinimumRest ? rest : TimeSpan.Zero;
    }
}
