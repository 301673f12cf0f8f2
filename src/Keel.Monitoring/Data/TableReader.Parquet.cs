using Keel.Core.Errors;
using Parquet;
using Parquet.Schema;

namespace Keel.Monitoring.Data;

public static partial class TableReader
{
    /// <summary>Reads the flat columns of a Parquet file; nested and binary columns are left out.</summary>
    public static async Task<Table> ReadParquetAsync(string path, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        using var stream = File.OpenRead(path);
        var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await ReadAllAsync(reader, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<Table> ReadAllAsync(ParquetReader reader, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var fields = reader.Schema.GetDataFields().Where(f => !f.IsArray && f.Path.Length == 1).ToArray();
        if (fields.Length == 0)
        {
            throw KeelException.InvalidParameter("The Parquet file has no flat columns.");
        }

        var parts = fields.Select(_ => new List<TableColumn>()).ToArray();
        int rows = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rg = reader.OpenRowGroupReader(g);
            int n = checked((int)rg.RowCount);
            for (int f = 0; f < fields.Length; f++)
            {
                parts[f].Add(await ReadFieldAsync(rg, fields[f], n, cancellationToken).ConfigureAwait(false));
            }

            rows += n;
            progress?.Report((g + 1) / (double)reader.RowGroupCount);
        }

        var columns = new List<TableColumn>();
        for (int f = 0; f < fields.Length; f++)
        {
            var kind = parts[f].Count == 0 ? TableColumnKind.Numeric : parts[f][0].Kind;
            columns.Add(kind switch
            {
                TableColumnKind.Numeric => new TableColumn(fields[f].Name, kind, numbers: parts[f].SelectMany(p => p.Numbers!).ToArray()),
                TableColumnKind.DateTime => new TableColumn(fields[f].Name, kind, times: parts[f].SelectMany(p => p.Times!).ToArray()),
                _ => new TableColumn(fields[f].Name, kind, labels: parts[f].SelectMany(p => p.Labels!).ToArray()),
            });
        }

        return new Table(columns, rows);
    }

    private static async Task<TableColumn> ReadFieldAsync(ParquetRowGroupReader rg, DataField field, int n, CancellationToken ct)
    {
        var t = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>))
        {
            var buf = new string?[n];
            await rg.ReadAsync(field, buf.AsMemory(), null, ct).ConfigureAwait(false);
            return new TableColumn(field.Name, TableColumnKind.Categorical, labels: buf.Select(s => s is null || IsMissing(s) ? null : s).ToArray());
        }

        if (t == typeof(DateTime))
        {
            var buf = await ReadStructAsync<DateTime>(rg, field, n, ct).ConfigureAwait(false);
            return new TableColumn(field.Name, TableColumnKind.DateTime, times: buf);
        }

        if (t == typeof(bool))
        {
            var buf = await ReadStructAsync<bool>(rg, field, n, ct).ConfigureAwait(false);
            return new TableColumn(field.Name, TableColumnKind.Categorical, labels: buf.Select(b => b is null ? null : b.Value ? "true" : "false").ToArray());
        }

        double[] numbers = t switch
        {
            _ when t == typeof(double) => ToDouble(await ReadStructAsync<double>(rg, field, n, ct).ConfigureAwait(false), v => v),
            _ when t == typeof(float) => ToDouble(await ReadStructAsync<float>(rg, field, n, ct).ConfigureAwait(false), v => v),
            _ when t == typeof(long) => ToDouble(await ReadStructAsync<long>(rg, field, n, ct).ConfigureAwait(false), v => v),
            _ when t == typeof(int) => ToDouble(await ReadStructAsync<int>(rg, field, n, ct).ConfigureAwait(false), v => v),
            _ when t == typeof(short) => ToDouble(await ReadStructAsync<short>(rg, field, n, ct).ConfigureAwait(false), v => v),
            _ when t == typeof(byte) => ToDouble(await ReadStructAsync<byte>(rg, field, n, ct).ConfigureAwait(false), v => v),
            _ when t == typeof(decimal) => ToDouble(await ReadStructAsync<decimal>(rg, field, n, ct).ConfigureAwait(false), v => (double)v),
            _ => throw KeelException.InvalidParameter($"Column '{field.Name}' has unsupported Parquet type {t.Name}."),
        };
        return new TableColumn(field.Name, TableColumnKind.Numeric, numbers: numbers);
    }

    private static async Task<T?[]> ReadStructAsync<T>(ParquetRowGroupReader rg, DataField field, int n, CancellationToken ct)
        where T : struct
    {
        if (field.IsNullable)
        {
            var nullable = new T?[n];
            await rg.ReadAsync(field, nullable.AsMemory(), null, ct).ConfigureAwait(false);
            return nullable;
        }

        var plain = new T[n];
        await rg.ReadAsync(field, plain.AsMemory(), null, ct).ConfigureAwait(false);
        return plain.Select(v => (T?)v).ToArray();
    }

    private static double[] ToDouble<T>(T?[] values, Func<T, double> convert)
        where T : struct => values.Select(v => v is null ? double.NaN : convert(v.Value)).ToArray();
}
