namespace Keel.Core.Models;

/// <summary>
/// The fixed set of column types a model signature or data schema may name (MLflow's signature
/// types, spelled in lower case in <c>keel-model.json</c>). No other type name is ever accepted.
/// </summary>
public enum ColumnType
{
    /// <summary>64-bit floating point (<c>double</c>).</summary>
    Double,

    /// <summary>32-bit floating point (<c>float</c>).</summary>
    Float,

    /// <summary>64-bit integer (<c>long</c>).</summary>
    Long,

    /// <summary>32-bit integer (<c>integer</c>).</summary>
    Integer,

    /// <summary>True or false (<c>boolean</c>).</summary>
    Boolean,

    /// <summary>UTF-8 text (<c>string</c>).</summary>
    String,

    /// <summary>A point in time, ISO 8601 in JSON (<c>datetime</c>).</summary>
    DateTime,

    /// <summary>Bytes, base64 in JSON (<c>binary</c>).</summary>
    Binary,
}

/// <summary>Wire names of <see cref="ColumnType"/>.</summary>
public static class ColumnTypes
{
    /// <summary>The lower-case name used in <c>keel-model.json</c>, e.g. <c>double</c>.</summary>
    public static string ToName(this ColumnType type) => type switch
    {
        ColumnType.Double => "double",
        ColumnType.Float => "float",
        ColumnType.Long => "long",
        ColumnType.Integer => "integer",
        ColumnType.Boolean => "boolean",
        ColumnType.String => "string",
        ColumnType.DateTime => "datetime",
        ColumnType.Binary => "binary",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type."),
    };

    /// <summary>
    /// Parses a wire name (exact, lower case). Anything outside the fixed set, including .NET type
    /// names such as <c>System.Double</c>, is refused.
    /// </summary>
    public static bool TryParse(string? name, out ColumnType type)
    {
        foreach (var candidate in Enum.GetValues<ColumnType>())
        {
            if (string.Equals(candidate.ToName(), name, StringComparison.Ordinal))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }

    /// <summary>The accepted names, for error messages: <c>double, float, ...</c>.</summary>
    public static string AllNames => string.Join(", ", Enum.GetValues<ColumnType>().Select(t => t.ToName()));
}
