using Sylvan.Data.Csv;

namespace Keel.Data;

/// <summary>One pass over CSV records into column builders: the row loop shared by the file (async) and text (sync) readers.</summary>
internal sealed class CsvPass(ColumnBuilder[] builders)
{
    private readonly List<RaggedRow> _ragged = [];
    private int _raggedCount;

    /// <summary>Records read so far.</summary>
    public int Rows { get; private set; }

    /// <summary>How many leading rows a second pass must read again (0: none).</summary>
    public int RawRowsNeeded
    {
        get
        {
            var most = 0;
            foreach (var builder in builders)
            {
                most = Math.Max(most, builder.RawRowsNeeded);
            }

            return most;
        }
    }

    public void Add(CsvDataReader csv)
    {
        var fields = builders.Length;
        var present = csv.RowFieldCount;
        for (var i = 0; i < fields; i++)
        {
            builders[i].Add(i < present ? csv.GetFieldSpan(i) : [], i < present);
        }

        if (present != fields && _raggedCount++ < RaggedRow.MaxKept)
        {
            _ragged.Add(new RaggedRow(Rows, present));
        }

        Rows++;
    }

    /// <summary>Second pass: gives row <paramref name="row"/>'s exact text to the builders that need it.</summary>
    public void SetRaw(CsvDataReader csv, int row)
    {
        var present = csv.RowFieldCount;
        for (var i = 0; i < builders.Length; i++)
        {
            if (row < builders[i].RawRowsNeeded)
            {
                builders[i].SetRaw(row, i < present ? csv.GetFieldSpan(i) : [], i < present);
            }
        }
    }

    public DataTable Build() => new([.. builders.Select(b => b.Build())]) { RaggedRows = _ragged, RaggedRowCount = _raggedCount };
}
