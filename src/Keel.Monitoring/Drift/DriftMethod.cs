using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Drift;

/// <summary>Whether a method decides drift by a p-value or by a distance.</summary>
public enum DriftMethodKind
{
    /// <summary>Drift when p &lt; threshold (after any multiple-testing correction).</summary>
    PValue,

    /// <summary>Drift when distance &gt; threshold.</summary>
    Distance,
}

/// <summary>What a method computed for one column, or why it could not.</summary>
/// <param name="Statistic">Test statistic or distance.</param>
/// <param name="PValue">p-value for p-value methods.</param>
/// <param name="NotApplicable">Why no number is given (the condition under which scipy raises or returns NaN).</param>
/// <param name="Detail">Extra information, e.g. "exact" or "asymptotic".</param>
public readonly record struct MethodOutcome(double Statistic, double? PValue, string? NotApplicable = null, string? Detail = null)
{
    /// <summary>An outcome with no number.</summary>
    public static MethodOutcome Inapplicable(string reason) => new(double.NaN, null, reason);
}

/// <summary>A named drift test or distance that can be chosen per column.</summary>
public sealed class DriftMethod
{
    internal DriftMethod(string name, DriftMethodKind kind, double defaultThreshold, string description,
        Func<double[], double[], MethodOutcome>? numeric, Func<CategoryCounts, MethodOutcome>? categorical, bool binaryOnly = false)
    {
        Name = name;
        Kind = kind;
        DefaultThreshold = defaultThreshold;
        Description = description;
        NumericTest = numeric;
        CategoricalTest = categorical;
        BinaryOnly = binaryOnly;
    }

    /// <summary>Name used on the command line and in reports.</summary>
    public string Name { get; }

    /// <summary>p-value or distance.</summary>
    public DriftMethodKind Kind { get; }

    /// <summary>Threshold used when none is given.</summary>
    public double DefaultThreshold { get; }

    /// <summary>One-line description with the definition.</summary>
    public string Description { get; }

    /// <summary>True when the method needs exactly two categories.</summary>
    public bool BinaryOnly { get; }

    /// <summary>True when the method works on numbers directly.</summary>
    public bool SupportsNumeric => NumericTest is not null;

    /// <summary>True when the method works on category counts (numbers are treated as labels).</summary>
    public bool SupportsCategorical => CategoricalTest is not null;

    /// <summary>Runs on samples sorted ascending without NaN.</summary>
    internal Func<double[], double[], MethodOutcome>? NumericTest { get; }

    /// <summary>Runs on aligned category counts.</summary>
    internal Func<CategoryCounts, MethodOutcome>? CategoricalTest { get; }

    /// <summary>True when <paramref name="value"/> means drift at <paramref name="threshold"/>.</summary>
    public bool IsDrift(double value, double threshold) => Kind == DriftMethodKind.PValue ? value < threshold : value > threshold;
}
