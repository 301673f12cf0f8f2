using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Data;

namespace Keel.ML.Data;

/// <summary>
/// Loads a CSV or Parquet file for training, validation and evaluation through Keel's one table
/// reader (<see cref="TableReader"/>): the same missing values, number parsing and kinds as
/// <c>keel drift</c> and CSV scoring; the cell text is kept because training needs it.
/// </summary>
public static class DataLoader
{
    /// <summary>Loads <paramref name="path"/> (<c>.parquet</c>, else CSV).</summary>
    /// <param name="path">The data file.</param>
    /// <param name="kindOverrides">Column kinds that replace inference, or null.</param>
    /// <param name="missing">Which cells are missing.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <value>The missing-value rule defaults to <see cref="MissingValues.Default"/> (an empty cell only).</value>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the file is missing, empty or not a table.</exception>
    public static async Task<TabularData> LoadAsync(
        string path,
        IReadOnlyDictionary<string, ColumnKind>? kindOverrides = null,
        MissingValues? missing = null,
        CancellationToken cancellationToken = default)
    {
        var options = new TableReadOptions { Kinds = kindOverrides, Missing = missing ?? MissingValues.Default, KeepText = true };
        var table = await TableReader.ReadAsync(path, options, null, cancellationToken).ConfigureAwait(false);
        return new TabularData(table.Columns);
    }

    /// <summary>Builds a table from raw column values (null = missing), typed as a file would be.</summary>
    public static TabularData Build(IReadOnlyList<string> names, string?[][] values, IReadOnlyDictionary<string, ColumnKind>? kindOverrides = null) =>
        new(TableReader.FromCells(names, values, new TableReadOptions { Kinds = kindOverrides, KeepText = true }).Columns);
}
