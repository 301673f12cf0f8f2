using System.Globalization;
using System.Text;
using Keel.Core.Search;

namespace Keel.Storage.Sql.Search;

/// <summary>
/// Translates SearchRegisteredModels and SearchModelVersions requests into one SQL statement each
/// that returns the matching keys (<c>name</c>, or <c>name, version</c>), in order, one page at a time.
/// </summary>
/// <remarks>
/// Semantics follow MLflow's model registry SqlAlchemyStore (<c>search_registered_models</c>,
/// <c>search_model_versions</c>): a tag clause only matches rows that have the tag; registered
/// models are ordered by the given keys then <c>name ASC</c>; model versions default to
/// <c>last_updated_timestamp DESC, name ASC, version_number DESC</c>, and an explicit order gets
/// <c>name ASC</c> and <c>version DESC</c> appended unless it names them. Soft-deleted versions
/// (stage <c>Deleted_Internal</c>) never match. Text comparisons are case-sensitive except ILIKE
/// (on SQLite LIKE runs as GLOB); see <see cref="SearchSqlWriter"/>. Uses the indexes of migration 0004.
/// </remarks>
internal static class RegistrySearchSql
{
    /// <summary>MLflow's stage for soft-deleted versions, which every search hides.</summary>
    private const string DeletedStage = "Deleted_Internal";

    private static readonly OrderByClause[] DefaultVersionOrder =
    [
        new(SearchEntityType.Attribute, RegistrySearchKeys.LastUpdatedTimestamp, Ascending: false),
        new(SearchEntityType.Attribute, RegistrySearchKeys.Name, Ascending: true),
        new(SearchEntityType.Attribute, RegistrySearchKeys.VersionNumber, Ascending: false),
    ];

    /// <summary>The page of registered model names. Throws INVALID_PARAMETER_VALUE for a bad filter or order_by.</summary>
    public static SqlCommandText BuildModelSearch(string? filter, IReadOnlyList<string>? orderBy, int limit, long offset, SqlDialect dialect)
    {
        var parsedFilter = SearchFilterParser.ParseRegisteredModelFilter(filter);
        var parsedOrder = SearchFilterParser.ParseRegisteredModelOrderBy(orderBy);
        var w = new SearchSqlWriter(dialect);
        var where = new List<string>();
        for (var i = 0; i < parsedFilter.Clauses.Count; i++)
        {
            var clause = parsedFilter.Clauses[i];
            where.Add(clause.EntityType == SearchEntityType.Tag
                ? TagProbe(w, "registered_model_tags", "t" + Index(i), "m.name", null, clause)
                : w.CompareText("m.name", clause.Comparator, clause.Value));
        }

        var terms = parsedOrder.Select(c => ModelColumn(c.Key) + Direction(c)).ToList();
        if (!parsedOrder.Any(c => c.Key == RegistrySearchKeys.Name))
        {
            terms.Add("m.name");
        }

        return w.ToCommand(Select(w, "SELECT m.name\nFROM registered_models m\n", where, terms, limit, offset));
    }

    /// <summary>The page of (name, version) keys of live model versions. Throws INVALID_PARAMETER_VALUE for a bad filter or order_by.</summary>
    public static SqlCommandText BuildVersionSearch(string? filter, IReadOnlyList<string>? orderBy, int limit, long offset, SqlDialect dialect)
    {
        var parsedFilter = SearchFilterParser.ParseModelVersionFilter(filter);
        var parsedOrder = SearchFilterParser.ParseModelVersionOrderBy(orderBy);
        if (parsedOrder.Count == 0)
        {
            parsedOrder = DefaultVersionOrder;
        }

        var w = new SearchSqlWriter(dialect);
        var where = new List<string> { $"v.current_stage <> {w.Add(DeletedStage)}" };
        for (var i = 0; i < parsedFilter.Clauses.Count; i++)
        {
            var clause = parsedFilter.Clauses[i];
            where.Add(clause.EntityType switch
            {
                SearchEntityType.Tag => TagProbe(w, "model_version_tags", "t" + Index(i), "v.name", "v.version", clause),
                _ when clause.Key == RegistrySearchKeys.VersionNumber => w.CompareInteger("v.version", clause.Comparator, clause.Value),
                _ => w.CompareText(VersionColumn(clause.Key), clause.Comparator, clause.Value),
            });
        }

        var terms = parsedOrder.Select(c => VersionColumn(c.Key) + Direction(c)).ToList();
        if (!parsedOrder.Any(c => c.Key == RegistrySearchKeys.Name))
        {
            terms.Add("v.name");
        }

        if (!parsedOrder.Any(c => c.Key == RegistrySearchKeys.VersionNumber))
        {
            terms.Add("v.version DESC");
        }

        return w.ToCommand(Select(w, "SELECT v.name, v.version\nFROM model_versions v\n", where, terms, limit, offset));
    }

    // A correlated probe of the tag table's (name, [version,] key) primary key: one seek per candidate,
    // so a scan in index order can stop as soon as a page is full.
    private static string TagProbe(SearchSqlWriter w, string table, string alias, string name, string? version, SearchClause clause)
    {
        var key = w.Add(clause.Key);
        var versionMatch = version is null ? "" : $" AND {alias}.version = {version}";
        return $"EXISTS (SELECT 1 FROM {table} {alias} WHERE {alias}.name = {name}{versionMatch} AND {alias}.key = {key} AND {w.CompareText(alias + ".value", clause.Comparator, clause.Value)}{w.ProbeEnd})";
    }

    private static StringBuilder Select(SearchSqlWriter w, string head, List<string> where, List<string> terms, int limit, long offset)
    {
        var sql = new StringBuilder(head);
        if (where.Count > 0)
        {
            sql.Append("WHERE ").AppendJoin("\n  AND ", where).Append('\n');
        }

        sql.Append("ORDER BY ").AppendJoin(", ", terms).Append('\n');
        sql.Append("LIMIT ").Append(w.Add(limit)).Append(" OFFSET ").Append(w.Add(offset));
        return sql;
    }

    private static string Direction(OrderByClause clause) => clause.Ascending ? "" : " DESC";

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static string ModelColumn(string key) => key == RegistrySearchKeys.Name ? "m.name" : "m.last_updated_time";

    private static string VersionColumn(string key) => key switch
    {
        RegistrySearchKeys.Name => "v.name",
        RegistrySearchKeys.VersionNumber => "v.version",
        RegistrySearchKeys.RunId => "v.run_id",
        RegistrySearchKeys.SourcePath => "v.source",
        RegistrySearchKeys.CreationTimestamp => "v.creation_time",
        _ => "v.last_updated_time",
    };
}
