using Keel.Core.Errors;
using Keel.ML.Pipeline;
using Sylvan.Data.Csv;

namespace Keel.ML.Data;

/// <summary>
/// Loads a CSV file (one header row, comma-separated, RFC 4180 quoting; an empty field is a
/// missing value) into a <see cref="TabularData"/>, inferring each column's kind unless
/// an override names it.
/// </summary>
public static class CsvDataLoader
{
    /// <summary>Loads <paramref name="path"/>.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="kindOverrides">Column kinds that replace inference, or null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the file is missing, empty or has duplicate column names.</exception>
    public static async Task<TabularData> LoadAsync(
        string path,
        IReadOnlyDictionary<string, ColumnKind>? kindOverrides = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw KeelException.InvalidParameter($"Data file '{path}' does not exist.");
        }

        var options = new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',' };
        var reader = await CsvDataReader.CreateAsync(path, options, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var names = new string[reader.FieldCount];
            var columns = new List<string?>[names.Length];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < names.Length; i++)
            {
                names[i] = reader.GetName(i);
                columns[i] = [];
                if (!seen.Add(names[i]))
                {
                    throw KeelException.InvalidParameter($"Data file '{path}' has the column '{names[i]}' twice.");
                }
            }

            if (names.Length == 0)
            {
                throw KeelException.InvalidParameter($"Data file '{path}' has no header row.");
            }

            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                for (var i = 0; i < names.Length; i++)
                {
                    var text = i < reader.RowFieldCount ? reader.GetString(i) : string.Empty;
                    columns[i].Add(text.Length == 0 ? null : text);
                }
            }

            return Build(names, columns.Select(c => c.ToArray()).ToArray(), kindOverrides);
        }
    }

    /// <summary>Builds a table from raw column values (null = missing), inferring kinds.</summary>
    public static TabularData Build(
        IReadOnlyList<string> names, string?[][] values, IReadOnlyDictionary<string, ColumnKind>? kindOverrides = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(values);
        var columns = new DataColumn[names.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            var kind = kindOverrides is not null && kindOverrides.TryGetValue(names[i], out var given)
                ? given
                : SchemaInference.Infer(values[i]);
            columns[i] = new DataColumn(names[i], kind, values[i]);
        }

        return new TabularData(columns);
    }
}
