using System.Globalization;
using Keel.Core.Errors;
using Keel.ML.Pipeline;
using Parquet;
using Parquet.Schema;

namespace Keel.ML.Data;

/// <summary>
/// Loads the flat columns of a Parquet file (Parquet.Net) into a <see cref="TabularData"/>.
/// Values are turned into invariant text first (numbers round-trip, timestamps ISO 8601, booleans
/// <c>true</c>/<c>false</c>, nulls missing) so kinds are inferred exactly as for CSV.
/// </summary>
public static class ParquetDataLoader
{
    /// <summary>Loads <paramref name="path"/>; nested (list, map, struct) columns are refused.</summary>
    /// <param name="path">The Parquet file.</param>
    /// <param name="kindOverrides">Column kinds that replace inference, or null.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<TabularData> LoadAsync(
        string path,
        IReadOnlyDictionary<string, ColumnKind>? kindOverrides = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var fields = reader.Schema.GetDataFields();
                var nested = fields.Where(f => f.IsArray || f.Path.Length != 1).Select(f => f.Path.ToString()).ToArray();
                if (nested.Length > 0)
                {
                    throw KeelException.InvalidParameter($"Data file '{path}' has nested columns ({string.Join(", ", nested)}); only flat columns are read.");
                }

                var values = fields.Select(_ => new List<string?>()).ToArray();
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    using var group = reader.OpenRowGroupReader(g);
                    var n = checked((int)group.RowCount);
                    for (var f = 0; f < fields.Length; f++)
                    {
                        values[f].AddRange(await ReadAsTextAsync(group, fields[f], n, cancellationToken).ConfigureAwait(false));
                    }
                }

                return CsvDataLoader.Build(fields.Select(f => f.Name).ToArray(), values.Select(v => v.ToArray()).ToArray(), kindOverrides);
            }
        }
    }

    private static async Task<string?[]> ReadAsTextAsync(ParquetRowGroupReader group, DataField field, int n, CancellationToken ct)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        // Parquet.Net reports string columns as ReadOnlyMemory<char> but reads them into string arrays too.
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var text = new string?[n];
            await group.ReadAsync(field, text.AsMemory(), null, ct).ConfigureAwait(false);
            return text.Select(s => string.IsNullOrEmpty(s) ? null : s).ToArray();
        }

        return type switch
        {
            _ when type == typeof(double) => Format(await ReadAsync<double>(group, field, n, ct).ConfigureAwait(false), v => v.ToString("R", CultureInfo.InvariantCulture)),
            _ when type == typeof(float) => Format(await ReadAsync<float>(group, field, n, ct).ConfigureAwait(false), v => ((double)v).ToString("R", CultureInfo.InvariantCulture)),
            _ when type == typeof(long) => Format(await ReadAsync<long>(group, field, n, ct).ConfigureAwait(false), v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == typeof(int) => Format(await ReadAsync<int>(group, field, n, ct).ConfigureAwait(false), v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == typeof(short) => Format(await ReadAsync<short>(group, field, n, ct).ConfigureAwait(false), v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == typeof(decimal) => Format(await ReadAsync<decimal>(group, field, n, ct).ConfigureAwait(false), v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == typeof(bool) => Format(await ReadAsync<bool>(group, field, n, ct).ConfigureAwait(false), v => v ? "true" : "false"),
            _ when type == typeof(DateTime) => Format(await ReadAsync<DateTime>(group, field, n, ct).ConfigureAwait(false), v => v.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            _ => throw KeelException.InvalidParameter($"Column '{field.Name}' has the unsupported Parquet type {type.Name}."),
        };
    }

    private static async Task<T?[]> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int n, CancellationToken ct)
        where T : struct
    {
        if (field.IsNullable)
        {
            var nullable = new T?[n];
            await group.ReadAsync(field, nullable.AsMemory(), null, ct).ConfigureAwait(false);
            return nullable;
        }

        var plain = new T[n];
        await group.ReadAsync(field, plain.AsMemory(), null, ct).ConfigureAwait(false);
        return Array.ConvertAll(plain, v => (T?)v);
    }

    private static string?[] Format<T>(T?[] values, Func<T, string> format)
        where T : struct => Array.ConvertAll(values, v => v is { } value ? format(value) : null);
}
