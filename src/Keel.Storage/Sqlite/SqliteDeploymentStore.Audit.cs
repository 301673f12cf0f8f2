using Keel.Core.Deployments;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

// Every change is recorded twice in its transaction: in the deployment's history, and in the
// registry's audit trail (so `keel models history` shows it beside the alias moves it causes).
// What the trail entry says is DeploymentAuditEntry's rule, shared by every backend.
public sealed partial class SqliteDeploymentStore
{
    /// <summary>The registry trail's target for a deployment's events: <c>deployment:NAME</c>.</summary>
    public static string AuditTarget(string deployment) => DeploymentAuditEntry.TargetOf(deployment);

    private void Record(SqliteTransaction tx, Deployment d, DeploymentChange change)
    {
        var entry = DeploymentAuditEntry.For(d, change);
        var history = database.Statement(tx, """
            INSERT INTO deployment_events (deployment, revision, kind, from_state, to_state, stable_version, candidate_version, candidate_weight, step_index, user_id, timestamp, reason, evidence)
            VALUES ($n, $r, $k, $f, $to, $sv, $cv, $w, $i, $u, $t, $why, $ev)
            """);
        history.Parameters.AddWithValue("$n", d.Name);
        history.Parameters.AddWithValue("$r", d.Revision);
        history.Parameters.AddWithValue("$k", change.Kind);
        history.Parameters.AddWithValue("$f", (object?)entry.From ?? DBNull.Value);
        history.Parameters.AddWithValue("$to", entry.To);
        history.Parameters.AddWithValue("$sv", d.StableVersion);
        history.Parameters.AddWithValue("$cv", (object?)d.CandidateVersion ?? DBNull.Value);
        history.Parameters.AddWithValue("$w", d.CandidateWeight);
        history.Parameters.AddWithValue("$i", d.StepIndex);
        history.Parameters.AddWithValue("$u", change.User);
        history.Parameters.AddWithValue("$t", d.UpdatedAt);
        history.Parameters.AddWithValue("$why", (object?)change.Reason ?? DBNull.Value);
        history.Parameters.AddWithValue("$ev", (object?)entry.EvidenceJson ?? DBNull.Value);
        history.ExecuteNonQuery();

        var audit = database.Statement(tx, """
            INSERT INTO registry_events (name, version, kind, target, from_value, to_value, user_id, timestamp, comment, rollback)
            VALUES ($n, $v, $k, $tg, $f, $to, $u, $t, $c, $rb)
            """);
        audit.Parameters.AddWithValue("$n", entry.Model);
        audit.Parameters.AddWithValue("$v", entry.Version is { } v ? v : DBNull.Value);
        audit.Parameters.AddWithValue("$k", entry.Kind);
        audit.Parameters.AddWithValue("$tg", entry.Target);
        audit.Parameters.AddWithValue("$f", (object?)entry.From ?? DBNull.Value);
        audit.Parameters.AddWithValue("$to", entry.To);
        audit.Parameters.AddWithValue("$u", entry.User);
        audit.Parameters.AddWithValue("$t", entry.Timestamp);
        audit.Parameters.AddWithValue("$c", entry.Comment);
        audit.Parameters.AddWithValue("$rb", entry.Rollback ? 1 : 0);
        audit.ExecuteNonQuery();
    }
}
