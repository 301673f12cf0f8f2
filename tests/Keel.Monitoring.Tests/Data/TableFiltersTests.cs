using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Data;
using Keel.Monitoring.Data;
using Keel.Monitoring.Drift;

namespace Keel.Monitoring.Tests.Data;

public class TableFiltersTests
{
    [Fact]
    public void Filters_select_rows_by_time_number_and_label()
    {
        var t = TableReader.ReadCsv("when,x,city\n2001-01-02,1,a\n2001-02-02,2,b\n2001-06-02,3,a\n");
        Assert.Equal(1, t.Where([RowFilter.Parse("when < 2001-02-01")]).RowCount);
        Assert.Equal(2, t.Where([RowFilter.Parse("x>=2")]).RowCount);
        Assert.Equal(2, t.Where([RowFilter.Parse("city == a")]).RowCount);
        Assert.Equal(1, t.Where([RowFilter.Parse("city=a"), RowFilter.Parse("x>1")]).RowCount);
        Assert.Throws<KeelException>(() => t.Where([RowFilter.Parse("x < soon")]));
        Assert.Throws<KeelException>(() => t.Where([RowFilter.Parse("nope < 1")]));
        Assert.Throws<KeelException>(() => RowFilter.Parse("just words"));
    }

    [Fact]
    public void Drift_columns_are_numbers_or_labels_and_dates_are_left_out()
    {
        var t = TableReader.ReadCsv("when,x,city,note\n2001-01-02,1,a,the quick brown fox\n2001-02-02,,None,jumps over the dog\n");
        Assert.Equal(ColumnKind.Numeric, t["x"]!.ToDriftColumn()!.Kind);
        Assert.Equal(["a", "None"], t["city"]!.ToDriftColumn()!.Texts!);
        Assert.Equal(ColumnKind.Text, t["note"]!.ToDriftColumn()!.Kind);
        Assert.Equal(ColumnKind.Categorical, DriftAnalyzer.Compare([t["note"]!], [t["note"]!]).Columns[0].Kind);
        Assert.Null(t["when"]!.ToDriftColumn());
    }
}
