using System.Globalization;

namespace Keel.ML.Data;

/// <summary>Invariant-culture parsing of CSV and JSON scalar text.</summary>
internal static class ValueParsing
{
    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss",
        "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", "yyyy/MM/dd",
    ];

    public static bool TryNumber(string? text, out double value)
    {
        if (text is null)
        {
            value = double.NaN;
            return false;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    public static bool TryTime(string? text, out DateTime value)
    {
        if (text is null)
        {
            value = default;
            return false;
        }

        return DateTime.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);
    }
}
