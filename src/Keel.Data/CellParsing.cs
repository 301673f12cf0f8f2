using System.Globalization;

namespace Keel.Data;

/// <summary>
/// The one way a cell's text becomes a value, used by the table reader and by scoring: numbers
/// in the invariant culture (<c>1.5</c>, <c>-2e3</c>, surrounding spaces allowed; no thousands
/// separators; NaN and infinities are not numbers), and ISO-like dates and timestamps treated as
/// UTC unless they carry an offset. Booleans are not parsed: <c>true</c>/<c>false</c> are categories.
/// </summary>
public static class CellParsing
{
    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm",
        "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy/MM/dd",
    ];

    /// <summary>Parses a finite number (invariant culture).</summary>
    public static bool TryNumber(ReadOnlySpan<char> text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value))
        {
            return true;
        }

        value = double.NaN;
        return false;
    }

    /// <summary>Parses a finite number (invariant culture); null is not a number.</summary>
    public static bool TryNumber(string? text, out double value)
    {
        if (text is null)
        {
            value = double.NaN;
            return false;
        }

        return TryNumber(text.AsSpan(), out value);
    }

    /// <summary>Parses an ISO-like date or timestamp (UTC when no offset is given).</summary>
    public static bool TryTime(string? text, out DateTime value)
    {
        if (text is null)
        {
            value = default;
            return false;
        }

        return DateTime.TryParseExact(text.AsSpan().Trim(), TimeFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>A number as the reader writes it when it needs text: shortest round-trip, invariant.</summary>
    public static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A timestamp as the reader writes it when it needs text: ISO 8601 without offset.</summary>
    public static string FormatTime(DateTime value) => value.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
}
