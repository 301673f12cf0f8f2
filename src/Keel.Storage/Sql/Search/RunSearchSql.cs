using System.Globalization;
using System.Text;
using Keel.Core.Errors;
using Keel.Core.Search;
using Keel.Core.Tracking;

namespace Keel.Storage.Sql.Search;

/// <summary>
/// Translates a SearchRuns request into one SQL statement that returns the matching <c>run_key</c>s,
/// in order, one page at a time: filtering, ordering and paging all run in the database.
/// </summary>
/// <remarks>
/// Semantics follow MLflow's SqlAlchemyStore (<c>_get_sqlalchemy_filter_clauses</c>,
/// <c>_get_orderby_clauses</c>): a metric/param/tag clause only matches runs that have the key;
/// ordering puts, per order_by entry, values first, then NaN (metrics), then runs without the key,
/// in either direction; ties break on <c>start_time DESC</c> (unless ordered by it) then <c>run_uuid</c>.
/// A NaN metric (stored as <c>is_nan = 1</c>) satisfies only <c>!=</c>, as in IEEE arithmetic.
/// Text comparisons are case-sensitive except ILIKE; LIKE patterns have no escape character.
/// On SQLite, LIKE runs as GLOB (case-sensitive) and ILIKE as SQLite's LIKE (ASCII case folding).
/// Uses ix_latest_metrics_key_nan_value from migration 0002.
/// </remarks>
internal static class RunSearchSql
{
    /// <summary>A run search's experiment ids as numbers; a non-numeric id is a bad parameter on every backend.</summary>
    public static List<long> ExperimentIds(IReadOnlyList<string> ids)
    {
        var parsed = new List<long>(ids.Count);
        foreach (var id in ids)
        {
            parsed.Add(long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw KeelException.InvalidParameter($"Invalid experiment ID '{id}' in 'experiment_ids'."));
        }

        return parsed;
    }

    /// <summary>Builds the page query. Throws INVALID_PARAMETER_VALUE for a bad filter or order_by.</summary>
    public static SqlCommandText Build(
        IReadOnlyList<long> experimentIds,
        string? filter,
        ViewType viewType,
        IReadOnlyList<string>? orderBy,
        int limit,
        long offset,
        SqlDialect dialect)
    {
        var parsedFilter = SearchFilterParser.ParseRunFilter(filter);
        var parsedOrder = SearchFilterParser.ParseRunOrderBy(orderBy);
        var w = new SearchSqlWriter(dialect);

        var where = new List<string>();
        where.Add(experimentIds.Count == 0
            ? "1 = 0"
            : $"r.experiment_id IN ({string.Join(", ", experimentIds.Select(id => w.Add(id)))})");
        if (w.Lifecycle("r.lifecycle_stage", viewType) is { } lifecycle)
        {
            where.Add(lifecycle);
        }

        for (var i = 0; i < parsedFilter.Clauses.Count; i++)
        {
            where.Add(Condition(w, parsedFilter.Clauses[i], i));
        }

        var sql = parsedOrder.Count > 0 && parsedOrder[0].EntityType != SearchEntityType.Attribute
            ? DrivenByFirstKey(w, parsedOrder, where, limit, offset)
            : Simple(w, parsedOrder, where, limit, offset);
        return w.ToCommand(sql);
    }

    // One SELECT over runs; the sort reads every matching run, which is cheap when ordering by a
    // column of runs (the default order walks ix_runs_experiment_start and stops after one page).
    private static StringBuilder Simple(SearchSqlWriter w, IReadOnlyList<OrderByClause> order, List<string> where, int limit, long offset)
    {
        var joins = new StringBuilder();
        var terms = new List<string>();
        WriteOrder(w, order, 0, joins, terms);
        var sql = new StringBuilder("SELECT r.run_key\nFROM runs r\n");
        sql.Append(joins);
        sql.Append("WHERE ").AppendJoin("\n  AND ", where).Append('\n');
        sql.Append("ORDER BY ").AppendJoin(", ", terms).Append('\n');
        sql.Append("LIMIT ").Append(w.Add(limit)).Append(" OFFSET ").Append(w.Add(offset));
        return sql;
    }

    // When the first order_by entry is a metric, param or tag, MLflow's order is: runs with a value
    // (by value), then runs whose metric is NaN, then runs without the key. Each group is one arm
    // that walks the (key, [is_nan,] value) index in order and stops after offset + limit rows; the
    // arms are concatenated in that order (both engines evaluate UNION ALL arms left to right and the
    // outer LIMIT stops before later arms are read), so a page near the top touches only a page of rows
    // instead of sorting every run. Tests page across the arm boundaries to hold both backends to this.
    private static StringBuilder DrivenByFirstKey(SearchSqlWriter w, IReadOnlyList<OrderByClause> order, List<string> where, int limit, long offset)
    {
        var first = order[0];
        var isMetric = first.EntityType == SearchEntityType.Metric;
        var table = TableOf(first.EntityType);
        var key = w.Add(first.Key);
        var n = w.Add(offset + limit);

        var joins = new StringBuilder();
        var rest = new List<string>();
        WriteOrder(w, order, 1, joins, rest);
        var restTerms = string.Join(", ", rest);
        var conditions = string.Join("\n    AND ", where);

        // In the arms driven by o0, probes correlate on o0.run_key (equal to r.run_key) so the database
        // can reject a candidate before it looks the run up. Safe to rewrite: values are never in the text.
        var drivenConditions = conditions
            .Replace("= r.run_key", "= o0.run_key", StringComparison.Ordinal)
            .Replace("r.run_key IN (", "o0.run_key IN (", StringComparison.Ordinal);

        var arms = new List<string>();
        var valueFilter = isMetric ? $" AND o0.is_nan = 0" : "";
        arms.Add(
            $"SELECT r.run_key FROM {table} o0 CROSS JOIN runs r\n{joins}" +
            $"  WHERE o0.key = {key}{valueFilter} AND r.run_key = o0.run_key\n    AND {drivenConditions}\n" +
            $"  ORDER BY o0.value{(first.Ascending ? "" : " DESC")}, {restTerms} LIMIT {n}");
        if (isMetric)
        {
            arms.Add(
                $"SELECT r.run_key FROM {table} o0 CROSS JOIN runs r\n{joins}" +
                $"  WHERE o0.key = {key} AND o0.is_nan = 1 AND r.run_key = o0.run_key\n    AND {drivenConditions}\n" +
                $"  ORDER BY {restTerms} LIMIT {n}");
        }

        arms.Add(
            $"SELECT r.run_key FROM runs r\n{joins}" +
            $"  WHERE NOT EXISTS (SELECT 1 FROM {table} m WHERE m.run_key = r.run_key AND m.key = {key})\n    AND {conditions}\n" +
            $"  ORDER BY {restTerms} LIMIT {n}");

        // Both engines run a plain UNION ALL's arms in order, one after the other, and the outer LIMIT
        // stops before later arms are read. PostgreSQL could also pick a Parallel Append, which runs
        // arms in parallel workers and interleaves their rows; a window function is never run in a
        // worker, so on PostgreSQL each arm numbers its rows (row_number() OVER ()), and the outer
        // query returns the numbers (after run_key) so the planner keeps them.
        var numbered = w.Dialect == SqlDialect.PostgreSql;
        var sql = new StringBuilder(numbered ? "SELECT run_key, arm, pos FROM (\n" : "SELECT run_key FROM (\n");
        for (var i = 0; i < arms.Count; i++)
        {
            if (i > 0)
            {
                sql.Append("  UNION ALL\n");
            }

            var columns = numbered ? $"run_key, {i} AS arm, row_number() OVER () AS pos" : "run_key";
            sql.Append($"  SELECT {columns} FROM (\n  {arms[i]}\n  ) g{i}\n");
        }

        sql.Append(") page\nLIMIT ").Append(w.Add(limit)).Append(" OFFSET ").Append(w.Add(offset));
        return sql;
    }

    // Probes come in two shapes. Equality is usually selective, so "run_key IN (subquery)" lets the
    // database collect the few matching runs once from the (key, value) index. Ranges, LIKE and !=
    // usually match many runs, so a correlated EXISTS seeks the child table's (run_key, key) primary
    // key per candidate run and the scan stops as soon as a page is full.
    private static string Condition(SearchSqlWriter w, SearchClause clause, int index)
    {
        var alias = "f" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var equality = clause.Comparator == SearchComparator.Equal;
        switch (clause.EntityType)
        {
            case SearchEntityType.Attribute:
                var column = AttributeColumn(clause.Key);
                return clause.Key is SearchKeys.StartTime or SearchKeys.EndTime
                    ? w.CompareInteger(column, clause.Comparator, clause.Value)
                    : w.CompareText(column, clause.Comparator, clause.Value);
            case SearchEntityType.Metric:
                var key = w.Add(clause.Key);
                var number = w.Add(((NumberSearchValue)clause.Value).Value);
                if (equality)
                {
                    return $"r.run_key IN (SELECT {alias}.run_key FROM latest_metrics {alias} WHERE {alias}.key = {key} AND {alias}.is_nan = 0 AND {alias}.value = {number})";
                }

                var isNan = w.Probe(alias + ".is_nan");
                var value = w.Probe(alias + ".value");
                var test = clause.Comparator == SearchComparator.NotEqual
                    ? $"({isNan} = 1 OR {value} <> {number})"
                    : $"{isNan} = 0 AND {value} {SearchSqlWriter.Operator(clause.Comparator)} {number}";
                return $"EXISTS (SELECT 1 FROM latest_metrics {alias} WHERE {alias}.run_key = r.run_key AND {alias}.key = {key} AND {test}{w.ProbeEnd})";
            case SearchEntityType.Param or SearchEntityType.Tag:
                var table = TableOf(clause.EntityType);
                var k = w.Add(clause.Key);
                return equality
                    ? $"r.run_key IN (SELECT {alias}.run_key FROM {table} {alias} WHERE {alias}.key = {k} AND {w.CompareText(alias + ".value", clause.Comparator, clause.Value)})"
                    : $"EXISTS (SELECT 1 FROM {table} {alias} WHERE {alias}.run_key = r.run_key AND {alias}.key = {k} AND {w.CompareText(w.Probe(alias + ".value"), clause.Comparator, clause.Value)}{w.ProbeEnd})";
            default:
                return DatasetCondition(w, clause, alias);
        }
    }

    private static string DatasetCondition(SearchSqlWriter w, SearchClause clause, string alias)
    {
        if (clause.Key == SearchKeys.DatasetContext)
        {
            var tagKey = w.Add(SearchKeys.DatasetContextTag);
            return $"EXISTS (SELECT 1 FROM input_tags {alias} WHERE {alias}.run_key = r.run_key AND {alias}.key = {tagKey} AND {w.CompareText(w.Probe(alias + ".value"), clause.Comparator, clause.Value)})";
        }

        var column = w.Probe($"{alias}d.{(clause.Key == SearchKeys.DatasetName ? "name" : "digest")}");
        return $"EXISTS (SELECT 1 FROM inputs {alias} JOIN datasets {alias}d ON {alias}d.dataset_key = {alias}.dataset_key WHERE {alias}.run_key = r.run_key AND {w.CompareText(column, clause.Comparator, clause.Value)})";
    }

    private static void WriteOrder(SearchSqlWriter w, IReadOnlyList<OrderByClause> order, int from, StringBuilder joins, List<string> terms)
    {
        var orderedByStartTime = order.Any(c => c.EntityType == SearchEntityType.Attribute && c.Key == SearchKeys.StartTime);
        for (var i = from; i < order.Count; i++)
        {
            var clause = order[i];
            var direction = clause.Ascending ? "" : " DESC";
            var alias = "o" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            switch (clause.EntityType)
            {
                case SearchEntityType.Attribute:
                    var column = AttributeColumn(clause.Key);
                    if (clause.Key == SearchKeys.EndTime)
                    {
                        terms.Add($"CASE WHEN {column} IS NULL THEN 1 ELSE 0 END");
                    }

                    terms.Add(column + direction);
                    break;
                case SearchEntityType.Metric:
                    joins.Append($"LEFT JOIN latest_metrics {alias} ON {alias}.run_key = r.run_key AND {alias}.key = {w.Add(clause.Key)}\n");
                    terms.Add($"CASE WHEN {alias}.run_key IS NULL THEN 2 WHEN {alias}.is_nan = 1 THEN 1 ELSE 0 END");
                    terms.Add($"{alias}.value{direction}");
                    break;
                default:
                    var table = TableOf(clause.EntityType);
                    joins.Append($"LEFT JOIN {table} {alias} ON {alias}.run_key = r.run_key AND {alias}.key = {w.Add(clause.Key)}\n");
                    terms.Add($"CASE WHEN {alias}.run_key IS NULL THEN 1 ELSE 0 END");
                    terms.Add($"{alias}.value{direction}");
                    break;
            }
        }

        if (!orderedByStartTime)
        {
            terms.Add("r.start_time DESC");
        }

        terms.Add("r.run_uuid");
    }

    private static string TableOf(SearchEntityType entity) => entity switch
    {
        SearchEntityType.Metric => "latest_metrics",
        SearchEntityType.Param => "params",
        _ => "tags",
    };

    private static string AttributeColumn(string key) => key switch
    {
        SearchKeys.RunId => "r.run_uuid",
        SearchKeys.RunName => "r.name",
        SearchKeys.UserId => "r.user_id",
        SearchKeys.Status => "r.status",
        SearchKeys.StartTime => "r.start_time",
        SearchKeys.EndTime => "r.end_time",
        _ => "r.artifact_uri",
    };
}
