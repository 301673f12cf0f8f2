using Keel.Core.Data;
using System.Text;
using BenchmarkDotNet.Attributes;
using Keel.Data;
using Keel.Monitoring.Drift;

namespace Keel.Monitoring.Benchmarks;

/// <summary>
/// The full drift report on 100,000 vs 100,000 rows with 50 numeric and 10 categorical columns
/// (a pandas/scipy loop takes 4.55 s), with the data already in memory; CSV parsing separately.
/// </summary>
[MemoryDiagnoser]
public class ReportBenchmarks
{
    private const int Rows = 100_000, Numeric = 50, Categorical = 10;
    private List<DataColumn> _reference = [];
    private List<DataColumn> _current = [];
    private byte[] _csv = [];

    [GlobalSetup]
    public void Setup()
    {
        _reference = Columns(seed: 1, shift: 0);
        _current = Columns(seed: 2, shift: 0.05);
        _csv = Encoding.UTF8.GetBytes(BenchData.Csv(Rows, Numeric, Categorical, seed: 3));
    }

    private static List<DataColumn> Columns(int seed, double shift)
    {
        var columns = new List<DataColumn>();
        for (int j = 0; j < Numeric; j++)
        {
            columns.Add(DataColumn.Numeric("num" + j, BenchData.Normal(Rows, seed * 1000 + j, j % 5 == 0 ? shift : 0)));
        }

        for (int j = 0; j < Categorical; j++)
        {
            columns.Add(DataColumn.Labels("cat" + j, BenchData.Categories(Rows, 8 + j, seed * 1000 + 500 + j)));
        }

        return columns;
    }

    /// <summary>Automatic test choice, every column, correction and verdict.</summary>
    [Benchmark]
    public bool Report_100k_x_60_columns() => DriftAnalyzer.Compare(_reference, _current).DatasetDrift;

    /// <summary>Parsing one side (100k rows x 60 columns CSV, about 55 MB) into typed columns.</summary>
    [Benchmark]
    public int ParseCsv_100k_x_60_columns() => TableReader.ReadCsvAsync(new MemoryStream(_csv)).GetAwaiter().GetResult().RowCount;
}
