using Keel.Core.Data;

namespace Keel.Data;

/// <summary>How <see cref="TableReader"/> reads a table.</summary>
public sealed class TableReadOptions
{
    /// <summary>Which cells are missing.</summary>
    /// <value><see cref="MissingValues.Default"/>: an empty cell only.</value>
    public MissingValues Missing { get; init; } = MissingValues.Default;

    /// <summary>Column kinds that replace inference (the pipeline file's <c>types:</c>), or null.</summary>
    /// <value>Null: every kind is inferred.</value>
    public IReadOnlyDictionary<string, ColumnKind>? Kinds { get; init; }

    /// <summary>Keep the cell text of numeric and date/time columns too (training needs it; drift does not, and saves the memory).</summary>
    /// <value>False.</value>
    public bool KeepText { get; init; }

    /// <summary>Read every column as text (<see cref="ColumnKind.Categorical"/>, cells as written) without inference: for callers that type cells themselves, such as CSV scoring against a signature.</summary>
    /// <value>False.</value>
    public bool AllText { get; init; }

    /// <summary>The CSV field delimiter, or null to detect it from the header (comma, tab, semicolon or pipe).</summary>
    /// <value>Null; a <c>.tsv</c> file is read with a tab.</value>
    public char? Delimiter { get; init; }

    /// <summary>The default options.</summary>
    public static TableReadOptions Default { get; } = new();
}
