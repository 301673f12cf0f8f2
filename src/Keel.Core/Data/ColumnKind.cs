using Keel.Core.Models;

namespace Keel.Core.Data;

/// <summary>
/// What a column holds, as every part of Keel sees it: the table reader infers it, training
/// featurises by it, the quality gate profiles by it and drift picks its test by it.
/// </summary>
public enum ColumnKind
{
    /// <summary>Numbers (invariant culture); NaN marks a missing value. Training fills missing values with the mean; the gate keeps min and max.</summary>
    Numeric,

    /// <summary>A few distinct labels (strings, booleans); null marks a missing value. Training one-hot encodes them; the gate counts categories.</summary>
    Categorical,

    /// <summary>Free text (long or mostly unique strings); training n-gram featurises it. Drift and the gate treat it as categories.</summary>
    Text,

    /// <summary>Timestamps; training expands them to date parts. Drift uses them for filters only.</summary>
    DateTime,

    /// <summary>Bytes (a signature's <c>binary</c> type); only counted.</summary>
    Binary,
}

/// <summary>Maps between <see cref="ColumnKind"/> and the signature's <see cref="ColumnType"/>.</summary>
public static class ColumnKinds
{
    /// <summary>The kind of a signature type: numbers are numeric, strings and booleans categorical.</summary>
    public static ColumnKind Of(ColumnType type) => type switch
    {
        ColumnType.Double or ColumnType.Float or ColumnType.Long or ColumnType.Integer => ColumnKind.Numeric,
        ColumnType.String or ColumnType.Boolean => ColumnKind.Categorical,
        ColumnType.DateTime => ColumnKind.DateTime,
        _ => ColumnKind.Binary,
    };

    /// <summary>The signature type of a kind: numeric = double, datetime = datetime, binary = binary, else string.</summary>
    public static ColumnType ToColumnType(ColumnKind kind) => kind switch
    {
        ColumnKind.Numeric => ColumnType.Double,
        ColumnKind.DateTime => ColumnType.DateTime,
        ColumnKind.Binary => ColumnType.Binary,
        _ => ColumnType.String,
    };

    /// <summary>True for the kinds drift and the gate compare as categories (categorical and text).</summary>
    public static bool IsLabels(this ColumnKind kind) => kind is ColumnKind.Categorical or ColumnKind.Text;
}
