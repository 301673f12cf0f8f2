using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.ML.Training;

/// <summary>One column of an <see cref="InMemoryDataView"/>: a name, a type and values by row.</summary>
internal abstract class ViewColumn(string name, DataViewType type)
{
    public string Name { get; } = name;

    public DataViewType Type { get; } = type;

    public abstract Delegate MakeGetter(InMemoryDataView.Cursor cursor);
}

/// <summary>A column of values of one ML.NET type, held in an array.</summary>
internal sealed class ArrayColumn<T>(string name, DataViewType type, T[] values) : ViewColumn(name, type)
{
    public T[] Values { get; } = values;

    public override Delegate MakeGetter(InMemoryDataView.Cursor cursor)
    {
        var values = Values;
        ValueGetter<T> getter = (ref T value) => value = values[(int)cursor.Position];
        return getter;
    }
}

/// <summary>
/// A read-only <see cref="IDataView"/> over arrays, so tables whose columns are only known at run
/// time (from a CSV header or a JSON request) can be trained on and scored without a class per schema.
/// </summary>
internal sealed class InMemoryDataView : IDataView
{
    private readonly ViewColumn[] _columns;
    private readonly int _rowCount;

    public InMemoryDataView(IReadOnlyList<ViewColumn> columns, int rowCount)
    {
        _columns = [.. columns];
        _rowCount = rowCount;
        var builder = new DataViewSchema.Builder();
        foreach (var column in _columns)
        {
            builder.AddColumn(column.Name, column.Type);
        }

        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    internal sealed class Cursor(InMemoryDataView view) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            (ValueGetter<TValue>)view._columns[column.Index].MakeGetter(this);

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override bool MoveNext()
        {
            if (_position + 1 < view._rowCount)
            {
                _position++;
                return true;
            }

            _position = view._rowCount;
            return false;
        }
    }
}
