using System.Text;
using Keel.Core.Search;
using Keel.Core.Tracking;

namespace Keel.Storage.Sql.Search;

/// <summary>Collects parameters and writes dialect-specific comparisons for the search builders.</summary>
internal sealed class SearchSqlWriter(SqlDialect dialect)
{
    private readonly List<KeyValuePair<string, object?>> _parameters = [];

    public SqlDialect Dialect { get; } = dialect;

    /// <summary>Adds a parameter and returns its placeholder.</summary>
    public string Add(object? value)
    {
        var name = "@p" + _parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _parameters.Add(new(name, value));
        return name;
    }

    public SqlCommandText ToCommand(StringBuilder sql) => new(sql.ToString(), _parameters);

    /// <summary>
    /// <paramref name="column"/> compared with a string value or list. LIKE is case-sensitive and
    /// ILIKE case-insensitive on both dialects; neither has an escape character (as in SQLite's LIKE).
    /// </summary>
    public string CompareText(string column, SearchComparator comparator, SearchValue value)
    {
        switch (comparator)
        {
            case SearchComparator.In or SearchComparator.NotIn:
                var list = ((ListSearchValue)value).Values;
                var placeholders = string.Join(", ", list.Select(v => Add(v)));
                return $"{column} {(comparator == SearchComparator.In ? "IN" : "NOT IN")} ({placeholders})";
            case SearchComparator.Like:
                return Dialect == SqlDialect.Sqlite
                    ? $"{column} GLOB {Add(LikePatterns.ToGlob(Text(value)))}"
                    : $"{column} LIKE {Add(LikePatterns.EscapeBackslashes(Text(value)))}";
            case SearchComparator.ILike:
                // SQLite's LIKE is case-insensitive (ASCII letters) and has no escape character by default.
                return Dialect == SqlDialect.Sqlite
                    ? $"{column} LIKE {Add(Text(value))}"
                    : $"{column} ILIKE {Add(LikePatterns.EscapeBackslashes(Text(value)))}";
            default:
                return $"{column} {Operator(comparator)} {Add(Text(value))}";
        }
    }

    /// <summary><paramref name="column"/> (an integer column) compared with a number.</summary>
    public string CompareInteger(string column, SearchComparator comparator, SearchValue value)
    {
        var number = (NumberSearchValue)value;
        object bound = number.AsInt64 is { } whole ? whole : number.Value;
        return $"{column} {Operator(comparator)} {Add(bound)}";
    }

    /// <summary>
    /// A column of a correlated probe (EXISTS on params, tags, metrics, datasets) as it should appear
    /// in a comparison. On SQLite a unary + hides it from index selection, so the probe always seeks the
    /// child table's (run_key, ...) primary key instead of range-scanning a (key, value) index for every
    /// candidate run, which SQLite's planner otherwise picks for ranges and GLOB prefixes.
    /// </summary>
    public string Probe(string column) => Dialect == SqlDialect.Sqlite ? "+" + column : column;

    /// <summary>
    /// Closes a correlated EXISTS probe. On SQLite, LIMIT 1 keeps the probe a subquery (SQLite otherwise
    /// turns EXISTS into a join it may place after the runs lookup), so a candidate is rejected first.
    /// </summary>
    public string ProbeEnd => Dialect == SqlDialect.Sqlite ? " LIMIT 1" : "";

    /// <summary>The lifecycle condition for a view type, or null when every stage is wanted.</summary>
    public string? Lifecycle(string column, ViewType viewType) => viewType switch
    {
        ViewType.ActiveOnly => $"{column} = {Add(LifecycleStage.Active)}",
        ViewType.DeletedOnly => $"{column} = {Add(LifecycleStage.Deleted)}",
        _ => null,
    };

    public static string Operator(SearchComparator comparator) => comparator switch
    {
        SearchComparator.Equal => "=",
        SearchComparator.NotEqual => "<>",
        SearchComparator.LessThan => "<",
        SearchComparator.LessThanOrEqual => "<=",
        SearchComparator.GreaterThan => ">",
        SearchComparator.GreaterThanOrEqual => ">=",
        _ => throw new ArgumentOutOfRangeException(nameof(comparator), comparator, "Not an arithmetic comparator."),
    };

    private static string Text(SearchValue value) => ((StringSearchValue)value).Value;
}
