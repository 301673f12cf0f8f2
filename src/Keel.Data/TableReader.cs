using System.Buffers;
using Keel.Core.Data;
using Keel.Core.Errors;
using Sylvan.Data.Csv;

namespace Keel.Data;

/// <summary>
/// The one table reader of Keel: train, validate, drift and CSV scoring all read tables here, so
/// they see the same rows, the same missing values and the same column kinds.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>CSV (Sylvan.Data.Csv): the first row is the header; RFC 4180 quoting (<c>"a, b"</c>,
/// doubled quotes); the delimiter is detected from the header unless given (<c>.tsv</c> = tab);
/// blank lines are skipped; a short row's absent fields are missing, extra fields are ignored.
/// Column names must be unique (an empty name, like pandas' unnamed index, is allowed once).</item>
/// <item>Parquet (Parquet.Net): flat columns; nested columns are refused. Nulls are missing;
/// string cells follow the same missing-value rule as CSV cells and are typed like CSV text.</item>
/// <item>Missing values: <see cref="MissingValues"/> (default: an empty cell only).</item>
/// <item>Numbers and dates: <see cref="CellParsing"/>; kinds: <see cref="SchemaInference"/>,
/// unless <see cref="TableReadOptions.Kinds"/> names the column.</item>
/// </list>
/// </remarks>
public static partial class TableReader
{
    /// <summary>Reads a <c>.parquet</c> file, or any other file as CSV.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">How to read it.</param>
    /// <param name="progress">Receives the fraction of the file read, from 0 to 1.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the file is missing, empty or not a table.</exception>
    public static async Task<DataTable> ReadAsync(string path, TableReadOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw KeelException.InvalidParameter($"Data file '{path}' does not exist.");
        }

        options ??= TableReadOptions.Default;
        try
        {
            if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            {
                return await ReadParquetAsync(path, options, progress, cancellationToken).ConfigureAwait(false);
            }

            if (options.Delimiter is null && path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase))
            {
                options = With(options, '\t');
            }

            return await ReadCsvAsync(() => new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true)), options, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (KeelException ex)
        {
            throw new KeelException(ex.Code, $"Data file '{path}': {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or FormatException or InvalidDataException or CsvFormatException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw KeelException.InvalidParameter($"Cannot read data file '{path}': {ex.Message}");
        }
    }

    /// <summary>Reads CSV from a stream (copied into memory first when it cannot seek).</summary>
    public static async Task<DataTable> ReadCsvAsync(Stream stream, TableReadOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            stream = copy;
        }

        var start = stream.Position;
        return await ReadCsvAsync(
            () =>
            {
                stream.Position = start;
                return new StreamReader(stream, leaveOpen: true);
            },
            options ?? TableReadOptions.Default, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads CSV text (a request body), synchronously: the text is in memory.</summary>
    public static DataTable ReadCsv(string text, TableReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= TableReadOptions.Default;

        // A small body (a scoring request) gets a pooled buffer its size, not a new one of 64 K characters.
        var buffer = ArrayPool<char>.Shared.Rent(Math.Clamp(text.Length + 1, 256, DefaultBufferSize));
        try
        {
            CsvPass pass;
            using (var csv = CsvDataReader.Create(new StringReader(text), buffer, CsvOptions(options)))
            {
                pass = new CsvPass(Builders(csv, options));
                while (csv.Read())
                {
                    pass.Add(csv);
                }
            }

            if (pass.RawRowsNeeded > 0)
            {
                using var csv = CsvDataReader.Create(new StringReader(text), buffer, CsvOptions(options));
                for (var row = 0; row < pass.RawRowsNeeded && csv.Read(); row++)
                {
                    pass.SetRaw(csv, row);
                }
            }

            return pass.Build();
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private const int DefaultBufferSize = 0x10000;

    private static async Task<DataTable> ReadCsvAsync(Func<TextReader> open, TableReadOptions options, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        CsvPass pass;
        var text = open();
        var csv = await CsvDataReader.CreateAsync(text, CsvOptions(options), cancellationToken).ConfigureAwait(false);
        await using (csv.ConfigureAwait(false))
        {
            pass = new CsvPass(Builders(csv, options));
            var stream = (text as StreamReader)?.BaseStream;
            var total = stream is { CanSeek: true } ? stream.Length : 0;
            while (await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                pass.Add(csv);
                if (progress is not null && total > 0 && (pass.Rows & 0x3FFF) == 0)
                {
                    progress.Report(Math.Min(1.0, stream!.Position / (double)total));
                }
            }
        }

        if (pass.RawRowsNeeded > 0)
        {
            // The second pass: the exact text of the first rows of columns that stopped being numeric.
            var again = await CsvDataReader.CreateAsync(open(), CsvOptions(options), cancellationToken).ConfigureAwait(false);
            await using (again.ConfigureAwait(false))
            {
                for (var row = 0; row < pass.RawRowsNeeded && await again.ReadAsync(cancellationToken).ConfigureAwait(false); row++)
                {
                    pass.SetRaw(again, row);
                }
            }
        }

        progress?.Report(1.0);
        return pass.Build();
    }

    private static CsvDataReaderOptions CsvOptions(TableReadOptions options) =>
        options.Delimiter is { } delimiter
            ? new CsvDataReaderOptions { HasHeaders = true, Delimiter = delimiter, OwnsReader = true }
            : new CsvDataReaderOptions { HasHeaders = true, OwnsReader = true };

    private static ColumnBuilder[] Builders(CsvDataReader csv, TableReadOptions options)
    {
        var names = new string[csv.FieldCount];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = csv.GetName(i);
        }

        return Builders(names, options);
    }

    private static ColumnBuilder[] Builders(IReadOnlyList<string> names, TableReadOptions options)
    {
        if (names.Count == 0)
        {
            throw KeelException.InvalidParameter("The file has no header row.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var builders = new ColumnBuilder[names.Count];
        for (var i = 0; i < builders.Length; i++)
        {
            if (!seen.Add(names[i]))
            {
                throw KeelException.InvalidParameter($"The header names the column '{names[i]}' more than once.");
            }

            ColumnKind? forced = options.AllText ? ColumnKind.Categorical
                : options.Kinds is { } kinds && kinds.TryGetValue(names[i], out var kind) ? kind : null;
            // Interning saves memory on files; a request body read as text (scoring) is short-lived.
            builders[i] = new ColumnBuilder(names[i], options.Missing, forced, options.KeepText, intern: !options.AllText);
        }

        return builders;
    }

    private static TableReadOptions With(TableReadOptions options, char delimiter) => new()
    {
        Missing = options.Missing,
        Kinds = options.Kinds,
        KeepText = options.KeepText,
        AllText = options.AllText,
        Delimiter = delimiter,
    };
}
