using System.Text;
using Keel.Core.Monitoring;
using Keel.Core.Paging;
using Keel.Storage.Monitoring;
using Npgsql;

namespace Keel.Storage.Postgres;

// Alerts: an insert (expected revision 0) or an update guarded by the stored revision, and the
// history entry, in one statement (a data-modifying CTE); a stale writer changes nothing.
public sealed partial class PostgresMonitoringStore
{
    private const string AlertFields = "alert_key, model, rule, kind, severity, version, deployment, arm, state, breaches, clears, value, message, since_ms, fired_at_ms, last_window_end_ms, revision";
    private const string AlertColumns = "alert_id, " + AlertFields;

    /// <inheritdoc />
    public async Task<Alert?> GetAlertAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var cmd = database.Command($"SELECT {AlertColumns} FROM monitor_alerts WHERE alert_key = @k");
        cmd.Text("k", key);
        var rows = await cmd.ListAsync(ReadAlert, cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <inheritdoc />
    public async Task<PagedResult<Alert>> ListAlertsAsync(string? model, string? state, int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        MonitoringRecords.CheckPageSize(maxResults);
        MonitoringRecords.CheckStateFilter(state);
        var offset = PageToken.ToOffset(pageToken);
        using var cmd = database.Command("");
        var sql = new StringBuilder($"SELECT {AlertColumns} FROM monitor_alerts WHERE true");
        if (model is not null)
        {
            sql.Append(" AND model = @m");
            cmd.Text("m", model);
        }

        if (state is not null)
        {
            sql.Append(" AND state = @s");
            cmd.Text("s", state);
        }

        sql.Append(" ORDER BY since_ms DESC, alert_id DESC LIMIT @l OFFSET @o");
        cmd.CommandText = sql.ToString();
        cmd.Long("l", maxResults + 1L).Long("o", offset);
        return PostgresCommands.Page(await cmd.ListAsync(ReadAlert, cancellationToken).ConfigureAwait(false), maxResults, offset);
    }

    /// <inheritdoc />
    public async Task<Alert?> TryPutAlertAsync(Alert next, long expectedRevision, AlertEvent? change, CancellationToken cancellationToken = default)
    {
        MonitoringRecords.Check(next, expectedRevision, change);
        var stored = next with { Revision = expectedRevision + 1 };
        var write = expectedRevision == 0
            ? $"""
                INSERT INTO monitor_alerts ({AlertFields}) VALUES (@k, @m, @ru, @ki, @se, @v, @d, @a, @st, @b, @c, @val, @msg, @since, @fired, @last, @r)
                ON CONFLICT (alert_key) DO NOTHING RETURNING alert_id
                """
            : """
                UPDATE monitor_alerts SET kind = @ki, severity = @se, state = @st, breaches = @b, clears = @c, value = @val, message = @msg,
                    since_ms = @since, fired_at_ms = @fired, last_window_end_ms = @last, revision = @r
                WHERE alert_key = @k AND revision = @expected
                RETURNING alert_id
                """;
        var history = change is null
            ? "SELECT alert_id FROM written"
            : """
                INSERT INTO monitor_alert_events (alert_id, model, rule, from_state, to_state, at_ms, value, message, evidence)
                SELECT alert_id, @em, @eru, @ef, @eto, @eat, @eval, @emsg, @eev FROM written
                RETURNING alert_id
                """;
        using var cmd = database.Command($"WITH written AS ({write}) {history}");
        BindAlert(cmd, stored);
        cmd.Long("expected", expectedRevision);
        if (change is not null)
        {
            cmd.Text("em", change.Model).Text("eru", change.Rule).Text("ef", change.From).Text("eto", change.To).Long("eat", change.AtMs)
                .Double("eval", change.Value).Text("emsg", change.Message).Text("eev", change.EvidenceJson);
        }

        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id ? stored with { Id = id } : null;
    }

    /// <inheritdoc />
    public async Task<PagedResult<AlertEvent>> ListAlertEventsAsync(string? model, long? fromMs, int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        MonitoringRecords.CheckPageSize(maxResults);
        var offset = PageToken.ToOffset(pageToken);
        using var cmd = database.Command("");
        var sql = new StringBuilder("SELECT event_id, alert_id, model, rule, from_state, to_state, at_ms, value, message, evidence FROM monitor_alert_events WHERE true");
        if (model is not null)
        {
            sql.Append(" AND model = @m");
            cmd.Text("m", model);
        }

        if (fromMs is { } from)
        {
            sql.Append(" AND at_ms >= @from");
            cmd.Long("from", from);
        }

        sql.Append(" ORDER BY at_ms DESC, event_id DESC LIMIT @l OFFSET @o");
        cmd.CommandText = sql.ToString();
        cmd.Long("l", maxResults + 1L).Long("o", offset);
        var items = await cmd.ListAsync(
            r => new AlertEvent(
                r.GetInt64(0),
                r.GetInt64(1),
                r.GetString(2),
                r.GetString(3),
                r.GetNullableString(4),
                r.GetString(5),
                r.GetInt64(6),
                r.GetNullableDouble(7),
                r.GetNullableString(8),
                r.GetString(9)),
            cancellationToken).ConfigureAwait(false);
        return PostgresCommands.Page(items, maxResults, offset);
    }

    private static void BindAlert(NpgsqlCommand cmd, Alert a) => cmd
        .Text("k", a.Key)
        .Text("m", a.Model)
        .Text("ru", a.Rule)
        .Text("ki", a.Kind)
        .Text("se", a.Severity)
        .Text("v", a.Version)
        .Text("d", a.Deployment)
        .Text("a", a.Arm)
        .Text("st", a.State)
        .Int("b", a.Breaches)
        .Int("c", a.Clears)
        .Double("val", a.Value)
        .Text("msg", a.Message)
        .Long("since", a.SinceMs)
        .Long("fired", a.FiredAtMs)
        .Long("last", a.LastWindowEndMs)
        .Long("r", a.Revision);

    private static Alert ReadAlert(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Key = r.GetString(1),
        Model = r.GetString(2),
        Rule = r.GetString(3),
        Kind = r.GetString(4),
        Severity = r.GetString(5),
        Version = r.GetString(6),
        Deployment = r.GetNullableString(7),
        Arm = r.GetNullableString(8),
        State = r.GetString(9),
        Breaches = r.GetInt32(10),
        Clears = r.GetInt32(11),
        Value = r.GetNullableDouble(12),
        Message = r.GetNullableString(13),
        SinceMs = r.GetInt64(14),
        FiredAtMs = r.GetNullableInt64(15),
        LastWindowEndMs = r.GetInt64(16),
        Revision = r.GetInt64(17),
    };
}
