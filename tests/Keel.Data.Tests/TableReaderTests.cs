using System.Text;
using Keel.Core.Data;
using Keel.Core.Errors;
using Parquet;
using Parquet.Schema;

namespace Keel.Data.Tests;

public class TableReaderTests
{
    private static async Task<DataTable> Csv(string text, TableReadOptions? options = null) =>
        await TableReader.ReadCsvAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), options, cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task Csv_columns_are_typed_and_only_empty_cells_are_missing_by_default()
    {
        var t = await Csv("when,x,city,code\n2001-01-02 10:00,1.5,\"Chicago, IL\",01\n2001-03-04 00:00,,NA,A\n2001-06-01 12:30,2,None,02\n");
        Assert.Equal(3, t.RowCount);
        Assert.Equal(ColumnKind.DateTime, t["when"]!.Kind);
        Assert.Equal(ColumnKind.Numeric, t["x"]!.Kind);
        Assert.Equal([1.5, double.NaN, 2], t["x"]!.Numbers!);
        Assert.Equal(["Chicago, IL", "NA", "None"], t["city"]!.Texts!);
        Assert.Equal(ColumnKind.Categorical, t["code"]!.Kind);
        Assert.Equal(["01", "A", "02"], t["code"]!.Texts!);
    }

    [Fact]
    public async Task Pandas_na_values_turn_the_words_into_missing_values()
    {
        var t = await Csv("x,city\n1,NA\nNaN,None\n3,null\n4,Boston\n", new TableReadOptions { Missing = MissingValues.Pandas });
        Assert.Equal(ColumnKind.Numeric, t["x"]!.Kind);
        Assert.Equal(1, t["x"]!.MissingCount);
        Assert.Equal([null, null, null, "Boston"], t["city"]!.Texts!);
    }

    [Fact]
    public async Task Keep_default_na_false_keeps_empty_cells_as_values()
    {
        var t = await Csv("a,b\n,x\nNA,y\n", new TableReadOptions { Missing = new MissingValues(["NA"], keepDefaultNa: false) });
        Assert.Equal([string.Empty, null], t["a"]!.Texts!);
    }

    [Fact]
    public async Task A_column_that_stops_being_numeric_keeps_its_exact_text()
    {
        // Numbers first, then a word: the first rows' text is read again, so "007" and "1.50" survive.
        var t = await Csv("zip\n007\n1.50\n\nN/A\n");
        Assert.Equal(ColumnKind.Categorical, t["zip"]!.Kind);
        Assert.Equal(["007", "1.50", null, "N/A"], t["zip"]!.Texts!);
    }

    [Fact]
    public async Task Declared_kinds_replace_inference_and_kept_text_is_exact()
    {
        var kinds = new Dictionary<string, ColumnKind> { ["code"] = ColumnKind.Categorical, ["x"] = ColumnKind.Numeric };
        var t = await Csv("code,x\n01,1.0\n02,oops\n", new TableReadOptions { Kinds = kinds, KeepText = true });
        Assert.Equal(["01", "02"], t["code"]!.Texts!);
        Assert.Equal([1.0, double.NaN], t["x"]!.Numbers!);
        Assert.Equal(["1.0", "oops"], t["x"]!.Texts!);
    }

    [Fact]
    public async Task Short_rows_are_missing_and_reported_as_ragged()
    {
        var t = await Csv("a,b,c\n1,2,3\n4\n5,6,7,8\n");
        Assert.Equal(3, t.RowCount);
        Assert.Equal([3.0, double.NaN, 7], t["c"]!.Numbers!);
        Assert.Equal([new RaggedRow(1, 1), new RaggedRow(2, 4)], t.RaggedRows);
    }

    [Fact]
    public async Task Duplicate_column_names_are_refused()
    {
        var e = await Assert.ThrowsAsync<KeelException>(() => Csv("a,a\n1,2\n"));
        Assert.Contains("'a' more than once", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Infer_decides_each_kind()
    {
        Assert.Equal(ColumnKind.Numeric, SchemaInference.Infer(["1", "2.5", null, "-3e2"]));
        Assert.Equal(ColumnKind.DateTime, SchemaInference.Infer(["2001-01-01 00:01", null, "2001-07-01 00:00"]));
        Assert.Equal(ColumnKind.DateTime, SchemaInference.Infer(["2001-01-22", "2016-08-28"]));
        Assert.Equal(ColumnKind.Categorical, SchemaInference.Infer(["rent", "owner", "rent", null]));
        Assert.Equal(ColumnKind.Categorical, SchemaInference.Infer(["true", "false"]));
        Assert.Equal(ColumnKind.Categorical, SchemaInference.Infer(["1", "NaN"]));
        Assert.Equal(ColumnKind.Text, SchemaInference.Infer(["the quick brown fox", "jumps over the lazy dog"]));
        Assert.Equal(ColumnKind.Categorical, SchemaInference.Infer([null, null]));
    }

    [Fact]
    public async Task Parquet_nulls_are_missing_and_strings_follow_the_csv_rule()
    {
        var path = Path.Combine(Path.GetTempPath(), $"keel-data-{Guid.NewGuid():N}.parquet");
        try
        {
            var x = new DataField<double?>("x");
            var city = new DataField<string>("city");
            var n = new DataField<int>("n");
            var schema = new ParquetSchema(x, city, n);
            await using (var file = File.Create(path))
            {
                await using var writer = await ParquetWriter.CreateAsync(schema, file, cancellationToken: TestContext.Current.CancellationToken);
                using var rg = writer.CreateRowGroup();
                await rg.WriteAsync<double>(x, new double?[] { 1.5, null, 3 }.AsMemory(), cancellationToken: TestContext.Current.CancellationToken);
                await rg.WriteAsync(city, new[] { "a", null, "None" });
                await rg.WriteAsync<int>(n, new[] { 1, 2, 3 }.AsMemory(), cancellationToken: TestContext.Current.CancellationToken);
            }

            var t = await TableReader.ReadAsync(path, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(3, t.RowCount);
            Assert.Equal(ColumnKind.Numeric, t["x"]!.Kind);
            Assert.True(double.IsNaN(t["x"]!.Numbers![1]));
            Assert.Equal(["a", null, "None"], t["city"]!.Texts!);
            Assert.Equal([1.0, 2.0, 3.0], t["n"]!.Numbers!);

            var pandas = await TableReader.ReadAsync(path, new TableReadOptions { Missing = MissingValues.Pandas }, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(["a", null, null], pandas["city"]!.Texts!);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Missing_file_is_an_invalid_parameter_naming_the_file()
    {
        var ex = await Assert.ThrowsAsync<KeelException>(() => TableReader.ReadAsync("/nonexistent/x.csv", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.InvalidParameterValue, ex.Code);
        Assert.Contains("/nonexistent/x.csv", ex.Message, StringComparison.Ordinal);
    }
}
