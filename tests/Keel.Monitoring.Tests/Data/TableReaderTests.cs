using System.Text;
using Keel.Core.Errors;
using Keel.Monitoring.Data;
using Parquet;
using Parquet.Schema;

namespace Keel.Monitoring.Tests.Data;

public class TableReaderTests
{
    private static async Task<Table> Csv(string text) =>
        await TableReader.ReadCsvAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task Csv_columns_are_typed_and_missing_tokens_counted()
    {
        var t = await Csv("when,x,city,code\n2001-01-02 10:00,1.5,\"Chicago, IL\",01\n2001-03-04 00:00,,NA,A\n2001-06-01 12:30,NaN,Boston,02\n");
        Assert.Equal(3, t.RowCount);
        Assert.Equal(TableColumnKind.DateTime, t["when"]!.Kind);
        Assert.Equal(TableColumnKind.Numeric, t["x"]!.Kind);
        Assert.Equal(1.5, t["x"]!.Numbers![0]);
        Assert.True(double.IsNaN(t["x"]!.Numbers![1]) && double.IsNaN(t["x"]!.Numbers![2]));
        Assert.Equal(["Chicago, IL", null, "Boston"], t["city"]!.Labels!);
        Assert.Equal(TableColumnKind.Categorical, t["code"]!.Kind);
    }

    [Fact]
    public async Task Filters_select_rows_by_time_number_and_label()
    {
        var t = await Csv("when,x,city\n2001-01-02,1,a\n2001-02-02,2,b\n2001-06-02,3,a\n");
        Assert.Equal(1, t.Where([RowFilter.Parse("when < 2001-02-01")]).RowCount);
        Assert.Equal(2, t.Where([RowFilter.Parse("x>=2")]).RowCount);
        Assert.Equal(2, t.Where([RowFilter.Parse("city == a")]).RowCount);
        Assert.Equal(1, t.Where([RowFilter.Parse("city=a"), RowFilter.Parse("x>1")]).RowCount);
        Assert.Throws<KeelException>(() => t.Where([RowFilter.Parse("x < soon")]));
        Assert.Throws<KeelException>(() => t.Where([RowFilter.Parse("nope < 1")]));
        Assert.Throws<KeelException>(() => RowFilter.Parse("just words"));
    }

    [Fact]
    public async Task Parquet_columns_are_read_with_nulls_as_missing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"keel-drift-{Guid.NewGuid():N}.parquet");
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
                await rg.WriteAsync(city, new[] { "a", null, "b" });
                await rg.WriteAsync<int>(n, new[] { 1, 2, 3 }.AsMemory(), cancellationToken: TestContext.Current.CancellationToken);
            }

            var t = await TableReader.ReadAsync(path, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(3, t.RowCount);
            Assert.Equal(TableColumnKind.Numeric, t["x"]!.Kind);
            Assert.True(double.IsNaN(t["x"]!.Numbers![1]));
            Assert.Equal(["a", null, "b"], t["city"]!.Labels!);
            Assert.Equal([1.0, 2.0, 3.0], t["n"]!.Numbers!);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Missing_file_is_a_not_found_error()
    {
        var ex = await Assert.ThrowsAsync<KeelException>(() => TableReader.ReadAsync("/nonexistent/x.csv", cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, ex.Code);
    }
}
