using System.Globalization;
using Keel.Core.Paging;
using Keel.Core.Registry;
using Keel.Storage.Sql.Search;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

// Loading models and versions, search, and the audit trail.
public sealed partial class SqliteRegistryStore
{
    /// <inheritdoc />
    public Task<PagedResult<RegisteredModel>> SearchRegisteredModelsAsync(string? filter, int maxResults, IReadOnlyList<string>? orderBy, string? pageToken, CancellationToken cancellationToken = default)
    {
        var offset = PageToken.ToOffset(pageToken);
        var sql = RegistrySearchSql.BuildModelSearch(filter, orderBy, maxResults + 1, offset, SqlDialect.Sqlite);
        using var connection = database.OpenReadConnection();
        var names = SqliteQueries.Query(connection, sql, r => r.GetString(0));
        var more = SqliteQueries.TrimToPage(names, maxResults);

        var byName = LoadModels(connection, names).ToDictionary(m => m.Name, StringComparer.Ordinal);
        return Task.FromResult(new PagedResult<RegisteredModel>(
            names.Select(n => byName[n]).ToList(),
            more ? PageToken.FromOffset(offset + names.Count) : null));
    }

    /// <inheritdoc />
    public Task<PagedResult<ModelVersion>> SearchModelVersionsAsync(string? filter, int maxResults, IReadOnlyList<string>? orderBy, string? pageToken, CancellationToken cancellationToken = default)
    {
        var offset = PageToken.ToOffset(pageToken);
        var sql = RegistrySearchSql.BuildVersionSearch(filter, orderBy, maxResults + 1, offset, SqlDialect.Sqlite);
        using var connection = database.OpenReadConnection();
        var keys = SqliteQueries.Query(connection, sql, r => (Name: r.GetString(0), Version: r.GetInt64(1)));
        var more = SqliteQueries.TrimToPage(keys, maxResults);

        var versions = new List<ModelVersion>(keys.Count);
        foreach (var chunk in keys.Chunk(400))
        {
            var pairs = string.Join(',', chunk.Select((_, i) => $"($k{i}, {chunk[i].Version})"));
            versions.AddRange(LoadVersions(connection, $"(v.name, v.version) IN (VALUES {pairs})", p =>
            {
                for (var i = 0; i < chunk.Length; i++)
                {
                    p.AddWithValue("$k" + i.ToString(CultureInfo.InvariantCulture), chunk[i].Name);
                }
            }));
        }

        var index = versions.ToDictionary(v => (v.Name, long.Parse(v.Version, CultureInfo.InvariantCulture)));
        return Task.FromResult(new PagedResult<ModelVersion>(
            keys.Select(k => index[(k.Name, k.Version)]).ToList(),
            more ? PageToken.FromOffset(offset + keys.Count) : null));
    }

    /// <inheritdoc />
    public Task<PagedResult<RegistryEvent>> ListEventsAsync(RegistryEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var offset = PageToken.ToOffset(query.PageToken);
        var where = new List<string>();
        var parameters = new List<KeyValuePair<string, object?>>();
        if (query.Name is not null)
        {
            where.Add("name = $n");
            parameters.Add(new("$n", query.Name));
        }

        if (query.Version is not null)
        {
            where.Add("version = $v");
            parameters.Add(new("$v", RegistryRules.ParseVersion(query.Version)));
        }

        if (query.From is not null)
        {
            where.Add("timestamp >= $from");
            parameters.Add(new("$from", query.From.Value));
        }

        if (query.To is not null)
        {
            where.Add("timestamp <= $to");
            parameters.Add(new("$to", query.To.Value));
        }

        parameters.Add(new("$limit", query.MaxResults + 1L));
        parameters.Add(new("$offset", offset));
        var sql = new SqlCommandText(
            "SELECT event_id, name, version, kind, target, from_value, to_value, user_id, timestamp, comment, rollback FROM registry_events"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty)
            + " ORDER BY event_id LIMIT $limit OFFSET $offset",
            parameters);
        using var connection = database.OpenReadConnection();
        var events = SqliteQueries.Query(connection, sql, ReadEvent);
        var more = SqliteQueries.TrimToPage(events, query.MaxResults);

        return Task.FromResult(new PagedResult<RegistryEvent>(events, more ? PageToken.FromOffset(offset + events.Count) : null));
    }

    private static RegistryEvent ReadEvent(SqliteDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        r.IsDBNull(2) ? null : r.GetInt64(2).ToString(CultureInfo.InvariantCulture),
        r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6),
        r.GetString(7),
        r.GetInt64(8),
        r.IsDBNull(9) ? null : r.GetString(9),
        r.GetInt64(10) != 0);

    /// <summary>Registered models with tags, aliases and the latest version per stage.</summary>
    private static List<RegisteredModel> LoadModels(SqliteConnection connection, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return [];
        }

        var inList = string.Join(',', names.Select((_, i) => "$m" + i.ToString(CultureInfo.InvariantCulture)));
        void Bind(SqliteParameterCollection p)
        {
            for (var i = 0; i < names.Count; i++)
            {
                p.AddWithValue("$m" + i.ToString(CultureInfo.InvariantCulture), names[i]);
            }
        }

        var models = new List<(string Name, long Created, long Updated, string? Description)>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = $"SELECT name, creation_time, last_updated_time, description FROM registered_models WHERE name IN ({inList})";
            Bind(cmd.Parameters);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                models.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        var tags = GroupBy(connection, $"SELECT name, key, value FROM registered_model_tags WHERE name IN ({inList}) ORDER BY key", Bind, r => new RegisteredModelTag(r.GetString(1), r.GetString(2)));
        var aliases = GroupBy(connection, $"SELECT name, alias, version FROM registered_model_aliases WHERE name IN ({inList}) ORDER BY alias", Bind, r => new RegisteredModelAlias(r.GetString(1), r.GetInt64(2).ToString(CultureInfo.InvariantCulture)));

        // The latest version in each stage, as MLflow's latest_versions.
        var latest = LoadVersions(connection, $"""
            v.name IN ({inList}) AND v.current_stage <> 'Deleted_Internal'
            AND v.version = (SELECT MAX(x.version) FROM model_versions x WHERE x.name = v.name AND x.current_stage = v.current_stage)
            """, Bind).GroupBy(v => v.Name).ToDictionary(g => g.Key, g => (IReadOnlyList<ModelVersion>)g.OrderBy(v => long.Parse(v.Version, CultureInfo.InvariantCulture)).ToList());

        return models.Select(m => new RegisteredModel(
            m.Name, m.Created, m.Updated, m.Description,
            latest.TryGetValue(m.Name, out var l) ? l : [],
            tags.TryGetValue(m.Name, out var t) ? t : [],
            aliases.TryGetValue(m.Name, out var a) ? a : [])).ToList();
    }

    private static List<ModelVersion> LoadVersions(SqliteConnection connection, string where, Action<SqliteParameterCollection> bind)
    {
        var rows = new List<ModelVersion>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = $"""
                SELECT v.name, v.version, v.creation_time, v.last_updated_time, v.user_id, v.current_stage, v.description,
                       v.source, v.run_id, v.status, v.status_message, v.run_link
                FROM model_versions v WHERE {where} ORDER BY v.name, v.version
                """;
            bind(cmd.Parameters);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(new ModelVersion(
                    reader.GetString(0), reader.GetInt64(1).ToString(CultureInfo.InvariantCulture), reader.GetInt64(2), reader.GetInt64(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetString(9),
                    reader.IsDBNull(10) ? null : reader.GetString(10), [], reader.IsDBNull(11) ? null : reader.GetString(11), []));
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        // Tags and aliases of exactly these versions, in chunks that stay under SQLite's parameter limit.
        var tags = new Dictionary<string, List<ModelVersionTag>>(StringComparer.Ordinal);
        var aliases = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var chunk in rows.Chunk(400))
        {
            var pairs = string.Join(',', chunk.Select((_, i) => $"($q{i}, $w{i})"));
            void Bind(SqliteParameterCollection p)
            {
                for (var i = 0; i < chunk.Length; i++)
                {
                    p.AddWithValue("$q" + i.ToString(CultureInfo.InvariantCulture), chunk[i].Name);
                    p.AddWithValue("$w" + i.ToString(CultureInfo.InvariantCulture), long.Parse(chunk[i].Version, CultureInfo.InvariantCulture));
                }
            }

            Merge(tags, GroupBy(connection, $"SELECT name || '/' || version, key, value FROM model_version_tags WHERE (name, version) IN (VALUES {pairs}) ORDER BY key", Bind, r => new ModelVersionTag(r.GetString(1), r.GetString(2))));
            Merge(aliases, GroupBy(connection, $"SELECT name || '/' || version, alias FROM registered_model_aliases WHERE (name, version) IN (VALUES {pairs}) ORDER BY alias", Bind, r => r.GetString(1)));
        }

        return rows.Select(v =>
        {
            var key = v.Name + "/" + v.Version;
            return v with
            {
                Tags = tags.TryGetValue(key, out var t) ? t : [],
                Aliases = aliases.TryGetValue(key, out var a) ? a : [],
            };
        }).ToList();
    }

    private static void Merge<T>(Dictionary<string, List<T>> into, Dictionary<string, List<T>> from)
    {
        foreach (var (key, list) in from)
        {
            into[key] = list;
        }
    }

    private static Dictionary<string, List<T>> GroupBy<T>(SqliteConnection connection, string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> map)
    {
        var groups = new Dictionary<string, List<T>>(StringComparer.Ordinal);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        bind(cmd.Parameters);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var key = reader.GetString(0);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
            }

            list.Add(map(reader));
        }

        return groups;
    }
}
