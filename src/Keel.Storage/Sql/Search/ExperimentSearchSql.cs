using System.Text;
using Keel.Core.Search;
using Keel.Core.Tracking;

namespace Keel.Storage.Sql.Search;

/// <summary>
/// Translates a SearchExperiments request into one SQL statement returning the matching
/// <c>experiment_id</c>s, in order, one page at a time.
/// </summary>
/// <remarks>
/// Semantics follow MLflow's SqlAlchemyStore (<c>_get_search_experiments_filter_clauses</c>,
/// <c>_get_search_experiments_order_by_clauses</c>): the default order is
/// <c>creation_time DESC, experiment_id ASC</c>; an explicit order_by without experiment_id gets
/// <c>experiment_id DESC</c> as the tie-breaker; a tag clause only matches experiments that have the tag.
/// </remarks>
internal static class ExperimentSearchSql
{
    private static readonly OrderByClause[] DefaultOrder =
    [
        new(SearchEntityType.Attribute, SearchKeys.CreationTime, Ascending: false),
        new(SearchEntityType.Attribute, SearchKeys.ExperimentId, Ascending: true),
    ];

    /// <summary>Builds the page query. Throws INVALID_PARAMETER_VALUE for a bad filter or order_by.</summary>
    public static SqlCommandText Build(
        string? filter,
        ViewType viewType,
        IReadOnlyList<string>? orderBy,
        int limit,
        long offset,
        SqlDialect dialect)
    {
        var parsedFilter = SearchFilterParser.ParseExperimentFilter(filter);
        var parsedOrder = SearchFilterParser.ParseExperimentOrderBy(orderBy);
        if (parsedOrder.Count == 0)
        {
            parsedOrder = DefaultOrder;
        }

        var w = new SearchSqlWriter(dialect);
        var where = new List<string>();
        if (w.Lifecycle("e.lifecycle_stage", viewType) is { } lifecycle)
        {
            where.Add(lifecycle);
        }

        for (var i = 0; i < parsedFilter.Clauses.Count; i++)
        {
            where.Add(Condition(w, parsedFilter.Clauses[i], i));
        }

        var terms = parsedOrder.Select(c => Column(c.Key) + (c.Ascending ? "" : " DESC")).ToList();
        if (!parsedOrder.Any(c => c.Key == SearchKeys.ExperimentId))
        {
            terms.Add("e.experiment_id DESC");
        }

        var sql = new StringBuilder("SELECT e.experiment_id\nFROM experiments e\n");
        if (where.Count > 0)
        {
            sql.Append("WHERE ").AppendJoin("\n  AND ", where).Append('\n');
        }

        sql.Append("ORDER BY ").AppendJoin(", ", terms).Append('\n');
        sql.Append("LIMIT ").Append(w.Add(limit)).Append(" OFFSET ").Append(w.Add(offset));
        return w.ToCommand(sql);
    }

    private static string Condition(SearchSqlWriter w, SearchClause clause, int index)
    {
        if (clause.EntityType == SearchEntityType.Tag)
        {
            var alias = "t" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var key = w.Add(clause.Key);
            return $"EXISTS (SELECT 1 FROM experiment_tags {alias} WHERE {alias}.experiment_id = e.experiment_id AND {alias}.key = {key} AND {w.CompareText(alias + ".value", clause.Comparator, clause.Value)})";
        }

        return clause.Key == SearchKeys.ExperimentName
            ? w.CompareText("e.name", clause.Comparator, clause.Value)
            : w.CompareInteger(Column(clause.Key), clause.Comparator, clause.Value);
    }

    private static string Column(string key) => key switch
    {
        SearchKeys.ExperimentName => "e.name",
        SearchKeys.ExperimentId => "e.experiment_id",
        SearchKeys.CreationTime => "e.creation_time",
        _ => "e.last_update_time",
    };
}
