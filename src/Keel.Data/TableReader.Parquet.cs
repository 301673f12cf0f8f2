using Keel.Core.Errors;
using Parquet;
using Parquet.Schema;

namespace Keel.Data;

public static partial class TableReader
{
    private static readonly MissingValues NullOnly = new(keepDefaultNa: false);

    /// <summary>
    /// Builds a table from cells already split into columns (null = missing; no other cell is
    /// missing), typed as a file would be: for values that arrive as JSON, e.g. batch scoring.
    /// </summary>
    public static DataTable FromCells(IReadOnlyList<string> names, IReadOnlyList<IReadOnlyList<string?>> columns, TableReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(columns);
        options ??= TableReadOptions.Default;
        var builders = Builders(names, new TableReadOptions { Missing = NullOnly, Kinds = options.Kinds, KeepText = options.KeepText });
        for (var c = 0; c < builders.Length; c++)
        {
            foreach (var cell in columns[c])
            {
                builders[c].Add(cell, cell is not null);
            }
        }

        return new DataTable([.. builders.Select(b => b.Build())]);
    }

    private static async Task<DataTable> ReadParquetAsync(string path, TableReadOptions options, IProgress<double>? progress, CancellationToken cancellationToken)
    {
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
                    throw KeelException.InvalidParameter($"it has nested columns ({string.Join(", ", nested)}); only flat columns are read.");
                }

                var builders = Builders(fields.Select(f => f.Name).ToArray(), options);
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    using var group = reader.OpenRowGroupReader(g);
                    var n = checked((int)group.RowCount);
                    for (var f = 0; f < fields.Length; f++)
                    {
                        await ReadFieldAsync(group, fields[f], n, builders[f], options, cancellationToken).ConfigureAwait(false);
                    }

                    progress?.Report((g + 1) / (double)reader.RowGroupCount);
                }

                return new DataTable([.. builders.Select(b => b.Build())]);
            }
        }
    }

    /// <summary>Strings go through the CSV cell rule; numbers straight in (or as text when a kind is given); booleans and timestamps as text.</summary>
    private static async Task ReadFieldAsync(ParquetRowGroupReader group, DataField field, int n, ColumnBuilder builder, TableReadOptions options, CancellationToken ct)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var text = new string?[n];
            await group.ReadAsync(field, text.AsMemory(), null, ct).ConfigureAwait(false);
            foreach (var cell in text)
            {
                builder.Add(cell, cell is not null);
            }

            return;
        }

        if (type == typeof(bool))
        {
            foreach (var value in await ReadAsync<bool>(group, field, n, ct).ConfigureAwait(false))
            {
                builder.Add(value is { } b ? (b ? "true" : "false") : null, value is not null);
            }

            return;
        }

        if (type == typeof(DateTime))
        {
            foreach (var value in await ReadAsync<DateTime>(group, field, n, ct).ConfigureAwait(false))
            {
                builder.Add(value is { } t ? CellParsing.FormatTime(t) : null, value is not null);
            }

            return;
        }

        var numbers = type switch
        {
            _ when type == typeof(double) => ToDouble(await ReadAsync<double>(group, field, n, ct).ConfigureAwait(false), v => v),
            _ when type == typeof(float) => ToDouble(await ReadAsync<float>(group, field, n, ct).ConfigureAwait(false), v => v),
            _ when type == typeof(long) => ToDouble(await ReadAsync<long>(group, field, n, ct).ConfigureAwait(false), v => v),
            _ when type == typeof(int) => ToDouble(await ReadAsync<int>(group, field, n, ct).ConfigureAwait(false), v => v),
            _ when type == typeof(short) => ToDouble(await ReadAsync<short>(group, field, n, ct).ConfigureAwait(false), v => v),
            _ when type == typeof(byte) => ToDouble(await ReadAsync<byte>(group, field, n, ct).ConfigureAwait(false), v => v),
            _ when type == typeof(decimal) => ToDouble(await ReadAsync<decimal>(group, field, n, ct).ConfigureAwait(false), v => (double)v),
            _ => throw KeelException.InvalidParameter($"column '{field.Name}' has the unsupported Parquet type {type.Name}."),
        };
        var asText = options.Kinds?.ContainsKey(field.Name) == true;
        foreach (var x in numbers)
        {
            if (asText)
            {
                builder.Add(double.IsNaN(x) ? null : CellParsing.FormatNumber(x), !double.IsNaN(x));
            }
            else
            {
                builder.AddNumber(x);
            }
        }
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

    private static double[] ToDouble<T>(T?[] values, Func<T, double> convert)
        where T : struct => Array.ConvertAll(values, v => v is { } value ? convert(value) : double.NaN);
}
