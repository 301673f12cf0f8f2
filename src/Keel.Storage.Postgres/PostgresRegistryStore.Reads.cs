using System.Globalization;
using Keel.Core.Paging;
using Keel.Core.Registry;
using Keel.Storage.Sql.Search;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

// Loading models and versions (each with its tags and aliases), search, and the audit trail.
public sealed partial class PostgresRegistryStore
{
    private const string VersionColumns = """
        v.name, v.version, v.creation_time, v.last_updated_time, v.user_id, v.current_stage, v.description,
        v.source, v.run_id, v.status, v.status_message, v.run_link
        """;

    /// <inheritdoc />
    public async Task<PagedResult<RegisteredModel>> SearchRegisteredModelsAsync(string? filter, int maxResults, IReadOnlyList<string>? orderBy, string? pageToken, CancellationToken cancellationToken = default)
    {
        var offset = PageToken.ToOffset(pageToken);
        var sql = RegistrySearchSql.BuildModelSearch(filter, orderBy, maxResults + 1, offset, SqlDialect.PostgreSql);
        var names = await QueryAsync(sql, r => r.GetString(0), cancellationToken).ConfigureAwait(false);
        var page = PostgresCommands.Page(names, maxResults, offset);
        var byName = (await LoadModelsAsync(page.Items, cancellationToken).ConfigureAwait(false)).ToDictionary(m => m.Name, StringComparer.Ordinal);
        return new PagedResult<RegisteredModel>(page.Items.Select(n => byName[n]).ToList(), page.NextPageToken);
    }

    /// <inheritdoc />
    public async Task<PagedResult<ModelVersion>> SearchModelVersionsAsync(string? filter, int maxResults, IReadOnlyList<string>? orderBy, string? pageToken, CancellationToken cancellationToken = default)
    {
        var offset = PageToken.ToOffset(pageToken);
        var sql = RegistrySearchSql.BuildVersionSearch(filter, orderBy, maxResults + 1, offset, SqlDialect.PostgreSql);
        var keys = await QueryAsync(sql, r => (Name: r.GetString(0), Version: r.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        var page = PostgresCommands.Page(keys, maxResults, offset);
        var versions = await LoadVersionsAsync(
            "(v.name, v.version) IN (SELECT * FROM unnest(@kn, @kv))",
            c => c.Array("kn", NpgsqlDbType.Text, page.Items.Select(k => k.Name).ToArray()).Array("kv", NpgsqlDbType.Bigint, page.Items.Select(k => k.Version).ToArray()),
            cancellationToken).ConfigureAwait(false);
        var index = versions.ToDictionary(v => (v.Name, long.Parse(v.Version, CultureInfo.InvariantCulture)));
        return new PagedResult<ModelVersion>(page.Items.Select(k => index[(k.Name, k.Version)]).ToList(), page.NextPageToken);
    }

    /// <inheritdoc />
    public Task<PagedResult<RegistryEvent>> ListEventsAsync(RegistryEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Version is not null)
        {
            RegistryRules.ParseVersion(query.Version);
        }

        return Guard(new PostgresRegistryEvents(database).ListEventsAsync(query, cancellationToken));
    }

    private async Task<List<T>> QueryAsync<T>(SqlCommandText sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        using var cmd = database.Command(sql.Sql);
        foreach (var (name, value) in sql.Parameters)
        {
            cmd.Parameters.AddWithValue(name.TrimStart('@'), value ?? DBNull.Value);
        }

        return await Guard(cmd.ListAsync(read, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Registered models with tags, aliases and the latest version per stage.</summary>
    private async Task<List<RegisteredModel>> LoadModelsAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return [];
        }

        var array = names.ToArray();
        List<(string Name, long Created, long Updated, string? Description)> models;
        using (var cmd = database.Command("SELECT name, creation_time, last_updated_time, description FROM registered_models WHERE name = ANY(@m)").Array("m", NpgsqlDbType.Text, array))
        {
            models = await Guard(cmd.ListAsync(r => (r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetNullableString(3)), cancellationToken)).ConfigureAwait(false);
        }

        if (models.Count == 0)
        {
            return [];
        }

        List<(string Name, RegisteredModelTag Tag)> tags;
        using (var cmd = database.Command("SELECT name, key, value FROM registered_model_tags WHERE name = ANY(@m) ORDER BY key").Array("m", NpgsqlDbType.Text, array))
        {
            tags = await cmd.ListAsync(r => (r.GetString(0), new RegisteredModelTag(r.GetString(1), r.GetString(2))), cancellationToken).ConfigureAwait(false);
        }

        List<(string Name, RegisteredModelAlias Alias)> aliases;
        using (var cmd = database.Command("SELECT name, alias, version FROM registered_model_aliases WHERE name = ANY(@m) ORDER BY alias").Array("m", NpgsqlDbType.Text, array))
        {
            aliases = await cmd.ListAsync(r => (r.GetString(0), new RegisteredModelAlias(r.GetString(1), r.GetInt64(2).ToString(CultureInfo.InvariantCulture))), cancellationToken).ConfigureAwait(false);
        }

        // The latest version in each stage, as MLflow's latest_versions.
        var latest = (await LoadVersionsAsync(
            """
            v.name = ANY(@m) AND v.current_stage <> 'Deleted_Internal'
            AND v.version = (SELECT MAX(x.version) FROM model_versions x WHERE x.name = v.name AND x.current_stage = v.current_stage)
            """,
            c => c.Array("m", NpgsqlDbType.Text, array),
            cancellationToken).ConfigureAwait(false))
            .GroupBy(v => v.Name)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ModelVersion>)g.OrderBy(v => long.Parse(v.Version, CultureInfo.InvariantCulture)).ToList(), StringComparer.Ordinal);

        return models.Select(m => new RegisteredModel(
            m.Name, m.Created, m.Updated, m.Description,
            latest.TryGetValue(m.Name, out var l) ? l : [],
            tags.Where(t => t.Name == m.Name).Select(t => t.Tag).ToList(),
            aliases.Where(a => a.Name == m.Name).Select(a => a.Alias).ToList())).ToList();
    }

    /// <summary>Versions matching <paramref name="where"/> (over alias <c>v</c>) with their tags and aliases, ordered by name and version.</summary>
    private async Task<List<ModelVersion>> LoadVersionsAsync(string where, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        List<ModelVersion> rows;
        using (var cmd = database.Command($"SELECT {VersionColumns} FROM model_versions v WHERE {where} ORDER BY v.name, v.version"))
        {
            bind(cmd);
            rows = await Guard(cmd.ListAsync(
                r => new ModelVersion(
                    r.GetString(0), r.GetInt64(1).ToString(CultureInfo.InvariantCulture), r.GetInt64(2), r.GetInt64(3),
                    r.GetNullableString(4), r.GetString(5), r.GetNullableString(6), r.GetString(7), r.GetNullableString(8), r.GetString(9),
                    r.GetNullableString(10), [], r.GetNullableString(11), []),
                cancellationToken)).ConfigureAwait(false);
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var names = rows.Select(v => v.Name).ToArray();
        var numbers = rows.Select(v => long.Parse(v.Version, CultureInfo.InvariantCulture)).ToArray();
        const string Keys = "unnest(@qn, @qv) AS k(name, version)";
        List<(string Key, ModelVersionTag Tag)> tags;
        using (var cmd = database.Command($"SELECT t.name, t.version, t.key, t.value FROM model_version_tags t JOIN {Keys} ON t.name = k.name AND t.version = k.version ORDER BY t.key"))
        {
            cmd.Array("qn", NpgsqlDbType.Text, names).Array("qv", NpgsqlDbType.Bigint, numbers);
            tags = await cmd.ListAsync(r => (Key(r.GetString(0), r.GetInt64(1)), new ModelVersionTag(r.GetString(2), r.GetString(3))), cancellationToken).ConfigureAwait(false);
        }

        List<(string Key, string Alias)> aliases;
        using (var cmd = database.Command($"SELECT a.name, a.version, a.alias FROM registered_model_aliases a JOIN {Keys} ON a.name = k.name AND a.version = k.version ORDER BY a.alias"))
        {
            cmd.Array("qn", NpgsqlDbType.Text, names).Array("qv", NpgsqlDbType.Bigint, numbers);
            aliases = await cmd.ListAsync(r => (Key(r.GetString(0), r.GetInt64(1)), r.GetString(2)), cancellationToken).ConfigureAwait(false);
        }

        var tagsOf = tags.GroupBy(t => t.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(t => t.Tag).ToList(), StringComparer.Ordinal);
        var aliasesOf = aliases.GroupBy(a => a.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(a => a.Alias).ToList(), StringComparer.Ordinal);
        return rows.Select(v =>
        {
            var key = v.Name + "/" + v.Version;
            return v with
            {
                Tags = tagsOf.TryGetValue(key, out var t) ? t : [],
                Aliases = aliasesOf.TryGetValue(key, out var a) ? a : [],
            };
        }).ToList();
    }

    private static string Key(string name, long version) => name + "/" + version.ToString(CultureInfo.InvariantCulture);

    /// <summary>A read whose text parameter holds U+0000 matches nothing PostgreSQL can store: refused as a bad parameter, never a 500.</summary>
    private static async Task<T> Guard<T>(Task<T> read)
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CharacterNotInRepertoire)
        {
            throw NulRefused(e);
        }
    }
}
