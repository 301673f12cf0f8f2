using System.Globalization;
using Keel.Core.Errors;
using Sylvan.Data.Csv;

namespace Keel.Monitoring.Data;

/// <summary>
/// Loads CSV (Sylvan.Data.Csv; delimiter detected, RFC 4180 quoting) and Parquet (Parquet.Net)
/// files into typed columns. A column is numeric when every non-missing value parses as a number
/// (invariant culture), a date/time column when every value parses as an ISO date/time, otherwise
/// categorical. Empty fields and NA, N/A, NaN, null, None count as missing.
/// </summary>
public static partial class TableReader
{
    private static readonly string[] MissingTokens = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "none"];

    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm",
        "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy/MM/dd",
    ];

    /// <summary>Reads a .csv, .tsv, .txt or .parquet file.</summary>
    /// <param name="path">File path.</param>
    /// <param name="progress">Receives the fraction of the file read, from 0 to 1.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="KeelException">The file is missing, empty or not readable as a table.</exception>
    public static async Task<Table> ReadAsync(string path, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            throw KeelException.NotFound($"File not found: {path}");
        }

        try
        {
            if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            {
                return await ReadParquetAsync(path, progress, cancellationToken).ConfigureAwait(false);
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            return await ReadCsvAsync(stream, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (KeelException)
        {
            throw;
        }
        catch (Exception ex) when (ex is IOException or FormatException or InvalidDataException or CsvFormatException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw KeelException.InvalidParameter($"Cannot read {Path.GetFileName(path)}: {ex.Message}");
        }
    }

    /// <summary>Reads CSV from a stream (first row is the header).</summary>
    public static async Task<Table> ReadCsvAsync(Stream stream, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        using var text = new StreamReader(stream);
        using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true }, cancellationToken).ConfigureAwait(false);
        int fields = csv.FieldCount;
        if (fields == 0)
        {
            throw KeelException.InvalidParameter("The file has no header row.");
        }

        var builders = new ColumnBuilder[fields];
        for (int i = 0; i < fields; i++)
        {
            builders[i] = new ColumnBuilder(csv.GetName(i));
        }

        long total = stream.CanSeek ? stream.Length : 0;
        int rows = 0;
        while (await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            int present = csv.RowFieldCount;
            for (int i = 0; i < fields; i++)
            {
                builders[i].Add(i < present ? csv.GetFieldSpan(i) : []);
            }

            rows++;
            if (progress is not null && total > 0 && (rows & 0x3FFF) == 0)
            {
                progress.Report(Math.Min(1.0, stream.Position / (double)total));
            }
        }

        progress?.Report(1.0);
        return new Table(builders.Select(b => b.Build()).ToList(), rows);
    }

    /// <summary>True when the text is a missing-value token.</summary>
    public static bool IsMissing(ReadOnlySpan<char> value)
    {
        var trimmed = value.Trim();
        foreach (var token in MissingTokens)
        {
            if (trimmed.SequenceEqual(token))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses an ISO-like date or date/time (invariant culture, treated as UTC when no offset is given).</summary>
    public static bool TryParseTime(string value, out DateTime time) =>
        DateTime.TryParseExact(value.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>Accumulates one column as numbers until a non-number appears, then as labels.</summary>
    private sealed class ColumnBuilder(string name)
    {
        private readonly List<double> _numbers = [];
        private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);
        private List<string?>? _labels;

        public void Add(ReadOnlySpan<char> raw)
        {
            if (IsMissing(raw))
            {
                if (_labels is null)
                {
                    _numbers.Add(double.NaN);
                }
                else
                {
                    _labels.Add(null);
                }

                return;
            }

            if (_labels is null && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                _numbers.Add(v);
                return;
            }

            if (_labels is null)
            {
                _labels = new List<string?>(Math.Max(16, _numbers.Count * 2));
                foreach (double x in _numbers)
                {
                    _labels.Add(double.IsNaN(x) ? null : Intern(x.ToString("R", CultureInfo.InvariantCulture)));
                }

                _numbers.Clear();
            }

            _labels.Add(Intern(raw));
        }

        public TableColumn Build()
        {
            if (_labels is null)
            {
                return new TableColumn(name, TableColumnKind.Numeric, numbers: [.. _numbers]);
            }

            var parsed = new Dictionary<string, DateTime>(StringComparer.Ordinal);
            bool times = _pool.Count > 0;
            foreach (var s in _pool.Keys)
            {
                if (!TryParseTime(s, out var t))
                {
                    times = false;
                    break;
                }

                parsed[s] = t;
            }

            if (times)
            {
                return new TableColumn(name, TableColumnKind.DateTime, times: _labels.Select(l => l is null ? (DateTime?)null : parsed[l]).ToArray());
            }

            return new TableColumn(name, TableColumnKind.Categorical, labels: [.. _labels]);
        }

        private string Intern(ReadOnlySpan<char> s)
        {
            var lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(s, out var existing))
            {
                return existing;
            }

            string str = s.ToString();
            _pool[str] = str;
            return str;
        }

        private string Intern(string s) => Intern(s.AsSpan());
    }
}
