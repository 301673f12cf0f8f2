using Keel.Core.Data;

namespace Keel.Monitoring.Drift;

/// <summary>One column of a dataset, numeric (NaN = missing) or categorical (null = missing).</summary>
public sealed class DriftColumn
{
    private DriftColumn(string name, ColumnKind kind, double[]? numbers, string?[]? labels)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Kind = kind;
        Numbers = numbers;
        Labels = labels;
    }

    /// <summary>Column name.</summary>
    public string Name { get; }

    /// <summary><see cref="ColumnKind.Numeric"/> or <see cref="ColumnKind.Categorical"/>.</summary>
    public ColumnKind Kind { get; }

    /// <summary>The values of a numeric column (NaN = missing); null for a categorical column.</summary>
    public double[]? Numbers { get; }

    /// <summary>The values of a categorical column (null = missing); null for a numeric column.</summary>
    public string?[]? Labels { get; }

    /// <summary>Number of rows, missing values included.</summary>
    public int Length => Numbers?.Length ?? Labels!.Length;

    /// <summary>A numeric column.</summary>
    public static DriftColumn Numeric(string name, double[] values) => new(name, ColumnKind.Numeric, values ?? throw new ArgumentNullException(nameof(values)), null);

    /// <summary>A categorical column.</summary>
    public static DriftColumn Categorical(string name, string?[] values) => new(name, ColumnKind.Categorical, null, values ?? throw new ArgumentNullException(nameof(values)));
}
