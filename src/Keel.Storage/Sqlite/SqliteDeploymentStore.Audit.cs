using System.Globalization;
using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Json;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

// Every change is recorded twice in its transaction: in the deployment's history, and in the
// registry's audit trail (so `keel models history` shows it beside the alias moves it causes).
public sealed partial class SqliteDeploymentStore
{
    /// <summary>The registry trail's target for a deployment's events: <c>deployment:NAME</c>.</summary>
    public static string AuditTarget(string deployment) => "deployment:" + deployment;

    private void Record(SqliteTransaction tx, Deployment d, DeploymentChange change)
    {
        var evidence = change.Evidence is { } e ? JsonSerializer.Serialize(e, KeelJson.Options) : null;
        var history = database.Statement(tx, """
            INSERT INTO deployment_events (deployment, revision, kind, from_state, to_state, stable_version, candidate_version, candidate_weight, step_index, user_id, timestamp, reason, evidence)
            VALUES ($n, $r, $k, $f, $to, $sv, $cv, $w, $i, $u, $t, $why, $ev)
            """);
        history.Parameters.AddWithValue("$n", d.Name);
        history.Parameters.AddWithValue("$r", d.Revision);
        history.Parameters.AddWithValue("$k", change.Kind);
        history.Parameters.AddWithValue("$f", change.From is { } from ? from.ToWireName() : DBNull.Value);
        history.Parameters.AddWithValue("$to", d.State.ToWireName());
        history.Parameters.AddWithValue("$sv", d.StableVersion);
        history.Parameters.AddWithValue("$cv", (object?)d.CandidateVersion ?? DBNull.Value);
        history.Parameters.AddWithValue("$w", d.CandidateWeight);
        history.Parameters.AddWithValue("$i", d.StepIndex);
        history.Parameters.AddWithValue("$u", change.User);
        history.Parameters.AddWithValue("$t", d.UpdatedAt);
        history.Parameters.AddWithValue("$why", (object?)change.Reason ?? DBNull.Value);
        history.Parameters.AddWithValue("$ev", (object?)evidence ?? DBNull.Value);
        history.ExecuteNonQuery();

        // The registry trail has no evidence column; the comment carries the reason, the traffic
        // split, and the evidence JSON, so the trail alone says who, when, why and on what grounds.
        var comment = string.Create(CultureInfo.InvariantCulture, $"{change.Reason ?? "no reason given"} [stable {d.StableVersion}, candidate {d.CandidateVersion ?? "none"} at {d.CandidateWeight}%]");
        if (evidence is not null)
        {
            comment += " evidence: " + evidence;
        }

        var version = long.TryParse(d.CandidateVersion ?? d.StableVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (long?)null;
        var audit = database.Statement(tx, """
            INSERT INTO registry_events (name, version, kind, target, from_value, to_value, user_id, timestamp, comment, rollback)
            VALUES ($n, $v, $k, $tg, $f, $to, $u, $t, $c, $rb)
            """);
        audit.Parameters.AddWithValue("$n", d.Model);
        audit.Parameters.AddWithValue("$v", version is null ? DBNull.Value : version.Value);
        audit.Parameters.AddWithValue("$k", DeploymentEventKinds.RegistryPrefix + change.Kind);
        audit.Parameters.AddWithValue("$tg", AuditTarget(d.Name));
        audit.Parameters.AddWithValue("$f", change.From is { } f ? f.ToWireName() : DBNull.Value);
        audit.Parameters.AddWithValue("$to", d.State.ToWireName());
        audit.Parameters.AddWithValue("$u", change.User);
        audit.Parameters.AddWithValue("$t", d.UpdatedAt);
        audit.Parameters.AddWithValue("$c", comment);
        audit.Parameters.AddWithValue("$rb", change.Kind == DeploymentEventKinds.RolledBack ? 1 : 0);
        audit.ExecuteNonQuery();
    }
}
