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

    /// <summary>Reads CSV text (a request body).</summary>
    public static DataTable ReadCsv(string text, TableReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ReadCsvAsync(() => new StringReader(text), options ?? TableReadOptions.Default, null, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static async Task<DataTable> ReadCsvAsync(Func<TextReader> open, TableReadOptions options, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ColumnBuilder[] builders;
        var ragged = new List<RaggedRow>();
        var raggedCount = 0;
        var text = open();
        var csv = await CsvDataReader.CreateAsync(text, CsvOptions(options), cancellationToken).ConfigureAwait(false);
        await using (csv.ConfigureAwait(false))
        {
            builders = Builders(csv, options);
            var fields = builders.Length;
            var stream = (text as StreamReader)?.BaseStream;
            var total = stream is { CanSeek: true } ? stream.Length : 0;
            var rows = 0;
            while (await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var present = csv.RowFieldCount;
                for (var i = 0; i < fields; i++)
                {
                    builders[i].Add(i < present ? csv.GetFieldSpan(i) : [], i < present);
                }

                if (present != fields && raggedCount++ < RaggedRow.MaxKept)
                {
                    ragged.Add(new RaggedRow(rows, present));
                }

                rows++;
                if (progress is not null && total > 0 && (rows & 0x3FFF) == 0)
                {
                    progress.Report(Math.Min(1.0, stream!.Position / (double)total));
                }
            }
        }

        var again = builders.Where(b => b.RawRowsNeeded > 0).ToArray();
        if (again.Length > 0)
        {
            await ReadRawAsync(open, options, builders, cancellationToken).ConfigureAwait(false);
        }

        progress?.Report(1.0);
        return new DataTable([.. builders.Select(b => b.Build())]) { RaggedRows = ragged, RaggedRowCount = raggedCount };
    }

    /// <summary>The second pass: the exact text of the first rows of columns that stopped being numeric.</summary>
    private static async Task ReadRawAsync(Func<TextReader> open, TableReadOptions options, ColumnBuilder[] builders, CancellationToken cancellationToken)
    {
        var wanted = Enumerable.Range(0, builders.Length).Where(i => builders[i].RawRowsNeeded > 0).ToArray();
        var last = wanted.Max(i => builders[i].RawRowsNeeded);
        var csv = await CsvDataReader.CreateAsync(open(), CsvOptions(options), cancellationToken).ConfigureAwait(false);
        await using (csv.ConfigureAwait(false))
        {
            for (var row = 0; row < last && await csv.ReadAsync(cancellationToken).ConfigureAwait(false); row++)
            {
                var present = csv.RowFieldCount;
                foreach (var i in wanted)
                {
                    if (row < builders[i].RawRowsNeeded)
                    {
                        builders[i].SetRaw(row, i < present ? csv.GetFieldSpan(i) : [], i < present);
                    }
                }
            }
        }
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
            builders[i] = new ColumnBuilder(names[i], options.Missing, forced, options.KeepText);
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
