using System.Globalization;
using Keel.Core.Paging;
using Keel.Core.Registry;

namespace Keel.Storage.Postgres;

/// <summary>
/// Reads the registry's audit trail in PostgreSQL (table <c>registry_events</c>), where deployments
/// write their changes. The rest of the registry moves to PostgreSQL with the store-shape refactor;
/// this reader answers as <see cref="IRegistryStore.ListEventsAsync"/> does until then.
/// </summary>
public sealed class PostgresRegistryEvents(PostgresDatabase database)
{
    /// <summary>The trail's entries matching <paramref name="query"/>, oldest first, paged by offset.</summary>
    public async Task<PagedResult<RegistryEvent>> ListEventsAsync(RegistryEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var offset = PageToken.ToOffset(query.PageToken);
        using var cmd = database.Command("");
        var where = new List<string>();
        if (query.Name is not null)
        {
            where.Add("name = @n");
            cmd.Text("n", query.Name);
        }

        if (query.Version is not null)
        {
            if (!long.TryParse(query.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw Core.Errors.KeelException.InvalidParameter($"Invalid model version '{query.Version}': versions are whole numbers.");
            }

            where.Add("version = @v");
            cmd.Long("v", version);
        }

        if (query.From is not null)
        {
            where.Add("timestamp >= @from");
            cmd.Long("from", query.From);
        }

        if (query.To is not null)
        {
            where.Add("timestamp <= @to");
            cmd.Long("to", query.To);
        }

        cmd.CommandText = "SELECT event_id, name, version, kind, target, from_value, to_value, user_id, timestamp, comment, rollback FROM registry_events"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY event_id LIMIT @l OFFSET @o";
        cmd.Long("l", query.MaxResults + 1L).Long("o", offset);
        var events = await cmd.ListAsync(
            r => new RegistryEvent(
                r.GetInt64(0),
                r.GetString(1),
                r.IsDBNull(2) ? null : r.GetInt64(2).ToString(CultureInfo.InvariantCulture),
                r.GetString(3),
                r.GetNullableString(4),
                r.GetNullableString(5),
                r.GetNullableString(6),
                r.GetString(7),
                r.GetInt64(8),
                r.GetNullableString(9),
                r.GetBoolean(10)),
            cancellationToken).ConfigureAwait(false);
        return PostgresCommands.Page(events, query.MaxResults, offset);
    }
}
