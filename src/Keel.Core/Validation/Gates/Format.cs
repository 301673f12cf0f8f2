using System.Globalization;

namespace Keel.Core.Validation.Gates;

/// <summary>Invariant number formatting for reasons, reports and tables.</summary>
internal static class Format
{
    public static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Number(double? value) => value is { } v ? Number(v) : "-";

    public static string Share(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
