using Keel.Core.Models;

namespace Keel.Core.Validation.Gates;

/// <summary>
/// One column of a data set, held by column: numeric types (<c>double</c>, <c>float</c>,
/// <c>long</c>, <c>integer</c>) as <see cref="Numbers"/>, every other type as <see cref="Texts"/>
/// (booleans as <c>true</c>/<c>false</c>, dates as ISO 8601). Null, and NaN for numbers, mean missing.
/// </summary>
public sealed class DataColumn
{
    private DataColumn(string name, ColumnType type, double?[]? numbers, string?[]? texts)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Type = type;
        Numbers = numbers;
        Texts = texts;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The column type.</summary>
    public ColumnType Type { get; }

    /// <summary>The values of a numeric column; null for other columns.</summary>
    public double?[]? Numbers { get; }

    /// <summary>The values of a non-numeric column; null for numeric columns.</summary>
    public string?[]? Texts { get; }

    /// <summary>The number of rows.</summary>
    public int Length => Numbers?.Length ?? Texts!.Length;

    /// <summary>A numeric column.</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">The values; null or NaN for missing. Not copied.</param>
    /// <param name="type">A numeric type.</param>
    /// <value>The type defaults to <see cref="ColumnType.Double"/>.</value>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not numeric.</exception>
    public static DataColumn Numeric(string name, double?[] values, ColumnType type = ColumnType.Double)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (ColumnKinds.Of(type) != ColumnKind.Numeric)
        {
            throw new ArgumentException($"Column '{name}': {type.ToName()} is not a numeric type; use DataColumn.Text.", nameof(type));
        }

        return new DataColumn(name, type, values, null);
    }

    /// <summary>A non-numeric column (categorical, boolean, date, binary).</summary>
    /// <param name="name">The column name.</param>
    /// <param name="values">The values; null for missing. Not copied.</param>
    /// <param name="type">A non-numeric type.</param>
    /// <value>The type defaults to <see cref="ColumnType.String"/>.</value>
    /// <exception cref="ArgumentException"><paramref name="type"/> is numeric.</exception>
    public static DataColumn Text(string name, string?[] values, ColumnType type = ColumnType.String)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (ColumnKinds.Of(type) == ColumnKind.Numeric)
        {
            throw new ArgumentException($"Column '{name}': {type.ToName()} is numeric; use DataColumn.Numeric.", nameof(type));
        }

        return new DataColumn(name, type, null, values);
    }
}

/// <summary>How a column is profiled.</summary>
public enum ColumnKind
{
    /// <summary>Numbers: min and max are kept; values outside training's range are counted.</summary>
    Numeric,

    /// <summary>Categories (strings, booleans): category counts are kept; unseen ones are counted.</summary>
    Categorical,

    /// <summary>Dates and bytes: only counts and missing values are kept.</summary>
    Other,
}

/// <summary>The <see cref="ColumnKind"/> of each <see cref="ColumnType"/>.</summary>
public static class ColumnKinds
{
    /// <summary>The kind of a column type.</summary>
    public static ColumnKind Of(ColumnType type) => type switch
    {
        ColumnType.Double or ColumnType.Float or ColumnType.Long or ColumnType.Integer => ColumnKind.Numeric,
        ColumnType.String or ColumnType.Boolean => ColumnKind.Categorical,
        _ => ColumnKind.Other,
    };
}
