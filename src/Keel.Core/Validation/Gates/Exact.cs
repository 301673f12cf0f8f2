namespace Keel.Core.Validation.Gates;

/// <summary>
/// Comparisons for metric gates, made in <see cref="decimal"/> after .NET's double-to-decimal
/// conversion (15 significant digits), so that a candidate that improves by exactly the required
/// change passes: in binary floating point 0.80 + 0.05 is 0.8500000000000001 and 0.85 would fail.
/// MLflow converts to Decimal for the same reason. Values decimal cannot hold fall back to double.
/// </summary>
internal static class Exact
{
    public static bool AtLeast(double left, double right) =>
        TryDecimal(left, out var l) && TryDecimal(right, out var r) ? l >= r : left >= right;

    public static bool ImprovesBy(double candidate, double champion, bool greater, double required)
    {
        if (TryDecimal(candidate, out var c) && TryDecimal(champion, out var b) && TryDecimal(required, out var r))
        {
            return (greater ? c - b : b - c) >= r;
        }

        return (greater ? candidate - champion : champion - candidate) >= required;
    }

    public static bool ImprovesRelatively(double candidate, double champion, bool greater, double required)
    {
        if (TryDecimal(candidate, out var c) && TryDecimal(champion, out var b) && TryDecimal(required, out var r) && b != 0)
        {
            return (greater ? c - b : b - c) / Math.Abs(b) >= r;
        }

        return (greater ? candidate - champion : champion - candidate) / Math.Abs(champion) >= required;
    }

    private static bool TryDecimal(double value, out decimal result)
    {
        var magnitude = Math.Abs(value);
        if (double.IsFinite(value) && (value == 0 || (magnitude >= 1e-12 && magnitude <= 1e20)))
        {
            result = (decimal)value;
            return true;
        }

        result = 0;
        return false;
    }
}
