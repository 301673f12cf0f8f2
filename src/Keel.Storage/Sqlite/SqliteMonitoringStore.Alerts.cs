using System.Text;
using Keel.Core.Monitoring;
using Keel.Core.Paging;
using Keel.Storage.Monitoring;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

// Alerts: an insert (expected revision 0) or an update guarded by the stored revision, and the
// history entry, in one write transaction on the single writer; a stale writer changes nothing.
public sealed partial class SqliteMonitoringStore
{
    private const string AlertFields = "alert_key, model, rule, kind, severity, version, deployment, arm, state, breaches, clears, value, message, since_ms, fired_at_ms, last_window_end_ms, revision";
    private const string AlertColumns = "alert_id, " + AlertFields;

    /// <inheritdoc />
    public Task<Alert?> GetAlertAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {AlertColumns} FROM monitor_alerts WHERE alert_key = $k";
        cmd.Parameters.AddWithValue("$k", key);
        using var reader = cmd.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadAlert(reader) : null);
    }

    /// <inheritdoc />
    public Task<PagedResult<Alert>> ListAlertsAsync(string? model, string? state, int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        MonitoringRecords.CheckPageSize(maxResults);
        MonitoringRecords.CheckStateFilter(state);

        var offset = PageToken.ToOffset(pageToken);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {AlertColumns} FROM monitor_alerts WHERE 1 = 1");
        if (model is not null)
        {
            sql.Append(" AND model = $m");
            cmd.Parameters.AddWithValue("$m", model);
        }

        if (state is not null)
        {
            sql.Append(" AND state = $s");
            cmd.Parameters.AddWithValue("$s", state);
        }

        sql.Append(" ORDER BY since_ms DESC, alert_id DESC LIMIT $l OFFSET $o");
        cmd.CommandText = sql.ToString();
        cmd.Parameters.AddWithValue("$l", maxResults + 1);
        cmd.Parameters.AddWithValue("$o", offset);
        var items = new List<Alert>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            items.Add(ReadAlert(reader));
        }

        return Task.FromResult(Page(items, maxResults, offset));
    }

    /// <inheritdoc />
    public Task<Alert?> TryPutAlertAsync(Alert next, long expectedRevision, AlertEvent? change, CancellationToken cancellationToken = default)
    {
        MonitoringRecords.Check(next, expectedRevision, change);
        var stored = next with { Revision = expectedRevision + 1 };
        return database.WriteAsync<Alert?>(tx =>
        {
            var cmd = expectedRevision == 0
                ? database.Statement(tx, $"""
                    INSERT INTO monitor_alerts ({AlertFields}) VALUES ($k, $m, $ru, $ki, $se, $v, $d, $a, $st, $b, $c, $val, $msg, $since, $fired, $last, $r)
                    ON CONFLICT (alert_key) DO NOTHING RETURNING alert_id
                    """)
                : database.Statement(tx, """
                    UPDATE monitor_alerts SET kind = $ki, severity = $se, state = $st, breaches = $b, clears = $c, value = $val, message = $msg,
                        since_ms = $since, fired_at_ms = $fired, last_window_end_ms = $last, revision = $r
                    WHERE alert_key = $k AND revision = $expected
                    RETURNING alert_id
                    """);
            BindAlert(cmd, stored);
            if (expectedRevision != 0)
            {
                cmd.Parameters.AddWithValue("$expected", expectedRevision);
            }

            if (cmd.ExecuteScalar() is not long id)
            {
                return null;
            }

            if (change is not null)
            {
                var history = database.Statement(tx, """
                    INSERT INTO monitor_alert_events (alert_id, model, rule, from_state, to_state, at_ms, value, message, evidence)
                    VALUES ($id, $m, $ru, $f, $to, $at, $val, $msg, $ev)
                    """);
                history.Parameters.AddWithValue("$id", id);
                history.Parameters.AddWithValue("$m", change.Model);
                history.Parameters.AddWithValue("$ru", change.Rule);
                history.Parameters.AddWithValue("$f", Db(change.From));
                history.Parameters.AddWithValue("$to", change.To);
                history.Parameters.AddWithValue("$at", change.AtMs);
                history.Parameters.AddWithValue("$val", Db(change.Value));
                history.Parameters.AddWithValue("$msg", Db(change.Message));
                history.Parameters.AddWithValue("$ev", change.EvidenceJson);
                history.ExecuteNonQuery();
            }

            return stored with { Id = id };
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PagedResult<AlertEvent>> ListAlertEventsAsync(string? model, long? fromMs, int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        MonitoringRecords.CheckPageSize(maxResults);
        var offset = PageToken.ToOffset(pageToken);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        var sql = new StringBuilder("SELECT event_id, alert_id, model, rule, from_state, to_state, at_ms, value, message, evidence FROM monitor_alert_events WHERE 1 = 1");
        if (model is not null)
        {
            sql.Append(" AND model = $m");
            cmd.Parameters.AddWithValue("$m", model);
        }

        if (fromMs is { } from)
        {
            sql.Append(" AND at_ms >= $from");
            cmd.Parameters.AddWithValue("$from", from);
        }

        sql.Append(" ORDER BY at_ms DESC, event_id DESC LIMIT $l OFFSET $o");
        cmd.CommandText = sql.ToString();
        cmd.Parameters.AddWithValue("$l", maxResults + 1);
        cmd.Parameters.AddWithValue("$o", offset);
        var items = new List<AlertEvent>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            items.Add(new AlertEvent(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5),
                reader.GetInt64(6),
                Double(reader, 7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.GetString(9)));
        }

        return Task.FromResult(Page(items, maxResults, offset));
    }

    private static void BindAlert(SqliteCommand cmd, Alert a)
    {
        cmd.Parameters.AddWithValue("$k", a.Key);
        cmd.Parameters.AddWithValue("$m", a.Model);
        cmd.Parameters.AddWithValue("$ru", a.Rule);
        cmd.Parameters.AddWithValue("$ki", a.Kind);
        cmd.Parameters.AddWithValue("$se", a.Severity);
        cmd.Parameters.AddWithValue("$v", a.Version);
        cmd.Parameters.AddWithValue("$d", Db(a.Deployment));
        cmd.Parameters.AddWithValue("$a", Db(a.Arm));
        cmd.Parameters.AddWithValue("$st", a.State);
        cmd.Parameters.AddWithValue("$b", a.Breaches);
        cmd.Parameters.AddWithValue("$c", a.Clears);
        cmd.Parameters.AddWithValue("$val", Db(a.Value));
        cmd.Parameters.AddWithValue("$msg", Db(a.Message));
        cmd.Parameters.AddWithValue("$since", a.SinceMs);
        cmd.Parameters.AddWithValue("$fired", a.FiredAtMs is { } f ? f : DBNull.Value);
        cmd.Parameters.AddWithValue("$last", a.LastWindowEndMs);
        cmd.Parameters.AddWithValue("$r", a.Revision);
    }

    private static Alert ReadAlert(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Key = r.GetString(1),
        Model = r.GetString(2),
        Rule = r.GetString(3),
        Kind = r.GetString(4),
        Severity = r.GetString(5),
        Version = r.GetString(6),
        Deployment = r.IsDBNull(7) ? null : r.GetString(7),
        Arm = r.IsDBNull(8) ? null : r.GetString(8),
        State = r.GetString(9),
        Breaches = r.GetInt32(10),
        Clears = r.GetInt32(11),
        Value = Double(r, 12),
        Message = r.IsDBNull(13) ? null : r.GetString(13),
        SinceMs = r.GetInt64(14),
        FiredAtMs = r.IsDBNull(15) ? null : r.GetInt64(15),
        LastWindowEndMs = r.GetInt64(16),
        Revision = r.GetInt64(17),
    };
}
