using System.Globalization;
using System.Reflection;

namespace Keel.ML.Training;

/// <summary>The type of a hyper-parameter's value.</summary>
public enum HyperParameterType
{
    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>A real number.</summary>
    Real,

    /// <summary><c>true</c> or <c>false</c> (carried as 1 or 0).</summary>
    Boolean,
}

/// <summary>
/// One hyper-parameter a trainer accepts in <c>pipeline.yaml</c>: a public field of the ML.NET
/// trainer's <c>Options</c> class (LightGBM's booster options included), named in snake_case
/// (<c>NumberOfTrees</c> is <c>number_of_trees</c>; the ML.NET name is accepted too).
/// </summary>
/// <param name="Name">The snake_case name, e.g. <c>number_of_trees</c>.</param>
/// <param name="IsInteger">Whether only whole numbers are accepted (integers and booleans).</param>
/// <param name="Min">The smallest accepted value.</param>
/// <param name="Max">The largest accepted value.</param>
public sealed record HyperParameterSpec(string Name, bool IsInteger, double Min, double Max)
{
    /// <summary>The ML.NET option name, e.g. <c>NumberOfTrees</c>.</summary>
    public string OptionName { get; init; } = string.Empty;

    /// <summary>The value's type.</summary>
    /// <value><see cref="HyperParameterType.Real"/>, or <see cref="HyperParameterType.Integer"/> when <see cref="IsInteger"/>.</value>
    public HyperParameterType Type { get; init; } = IsInteger ? HyperParameterType.Integer : HyperParameterType.Real;

    /// <summary>ML.NET's default as text (<c>auto</c> when ML.NET picks it from the data).</summary>
    public string Default { get; init; } = string.Empty;

    /// <summary>The options field the value is written to.</summary>
    internal FieldInfo? Field { get; init; }

    /// <summary>Whether the field lives on LightGBM's booster options rather than the trainer's.</summary>
    internal bool OnBooster { get; init; }

    /// <summary>Why <paramref name="value"/> is not accepted, or null when it is.</summary>
    public string? Check(double value)
    {
        if (Type == HyperParameterType.Boolean)
        {
            return value is 0 or 1 ? null : "expected true or false";
        }

        if (double.IsNaN(value) || value < Min || value > Max)
        {
            return $"expected a {(IsInteger ? "whole number" : "number")} in [{Format(Min)}, {Format(Max)}]";
        }

        return IsInteger && Math.Abs(value - Math.Round(value)) > 0 ? "expected a whole number" : null;
    }

    private static string Format(double value) =>
        value >= int.MaxValue ? "2^31-1" : value <= int.MinValue ? "-2^31" : value == double.MaxValue ? "inf" : value.ToString(CultureInfo.InvariantCulture);
}
