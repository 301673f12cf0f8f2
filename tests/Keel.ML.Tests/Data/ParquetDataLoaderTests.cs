using Keel.Core.Data;
using Keel.ML.Data;
using Parquet.Serialization;

namespace Keel.ML.Tests.Data;

public class ParquetDataLoaderTests
{
    public sealed class Row
    {
        public double? Amount { get; set; }

        public string? Home { get; set; }

        public DateTime When { get; set; }

        public int Count { get; set; }
    }

    [Fact]
    public async Task LoadAsync_FlatColumns_InferredLikeCsv_NullsMissing()
    {
        var directory = TestData.NewTempDirectory();
        var path = Path.Combine(directory, "rows.parquet");
        Row[] rows =
        [
            new() { Amount = 1.5, Home = "rent", When = new DateTime(2001, 1, 2, 3, 4, 0, DateTimeKind.Utc), Count = 1 },
            new() { Amount = null, Home = null, When = new DateTime(2001, 2, 3, 0, 0, 0, DateTimeKind.Utc), Count = 2 },
            new() { Amount = -2, Home = "owner", When = new DateTime(2001, 3, 4, 0, 0, 0, DateTimeKind.Utc), Count = 3 },
        ];
        await using (var stream = File.Create(path))
        {
            await ParquetSerializer.SerializeAsync(rows, stream);
        }

        var table = await DataLoader.LoadAsync(path);
        Directory.Delete(directory, recursive: true);

        Assert.Equal(3, table.RowCount);
        Assert.Equal(ColumnKind.Numeric, table["Amount"].Kind);
        Assert.Equal([1.5, double.NaN, -2], table["Amount"].Numbers!);
        Assert.Equal(ColumnKind.Categorical, table["Home"].Kind);
        Assert.Null(table["Home"].Texts![1]);
        Assert.Equal(ColumnKind.DateTime, table["When"].Kind);
        Assert.Equal(new DateTime(2001, 1, 2, 3, 4, 0, DateTimeKind.Utc), table["When"].Times![0]);
        Assert.Equal(ColumnKind.Numeric, table["Count"].Kind);
    }
}
