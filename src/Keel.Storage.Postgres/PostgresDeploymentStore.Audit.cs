using Keel.Core.Deployments;
using Npgsql;

namespace Keel.Storage.Postgres;

// Every change is recorded twice in its transaction, in one round trip: in the deployment's history,
// and in the registry's audit trail (DeploymentAuditEntry says what the trail entry holds).
public sealed partial class PostgresDeploymentStore
{
    private static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Deployment d, DeploymentChange change, CancellationToken cancellationToken)
    {
        var entry = DeploymentAuditEntry.For(d, change);
        using var cmd = new NpgsqlCommand("""
            INSERT INTO deployment_events (deployment, revision, kind, from_state, to_state, stable_version, candidate_version, candidate_weight, step_index, user_id, timestamp, reason, evidence)
            VALUES (@n, @r, @k, @f, @to, @sv, @cv, @w, @i, @u, @t, @why, @ev);
            INSERT INTO registry_events (name, version, kind, target, from_value, to_value, user_id, timestamp, comment, rollback)
            VALUES (@model, @v, @ak, @tg, @f, @to, @u, @t, @c, @rb)
            """, connection, tx);
        cmd.Text("n", d.Name).Long("r", d.Revision).Text("k", change.Kind).Text("f", entry.From).Text("to", entry.To)
            .Text("sv", d.StableVersion).Text("cv", d.CandidateVersion).Int("w", d.CandidateWeight).Int("i", d.StepIndex)
            .Text("u", entry.User).Long("t", entry.Timestamp).Text("why", change.Reason).Text("ev", entry.EvidenceJson)
            .Text("model", entry.Model).Long("v", entry.Version).Text("ak", entry.Kind).Text("tg", entry.Target).Text("c", entry.Comment).Bool("rb", entry.Rollback);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
