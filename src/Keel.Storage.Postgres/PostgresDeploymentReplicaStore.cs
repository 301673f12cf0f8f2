using Keel.Core.Deployments;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// The replicas of deployments in PostgreSQL (schema version 4). Each write is one statement on the
/// replica's row; times are the store's clock, so every server process sharing the database agrees
/// on how long ago a replica was heard from.
/// </summary>
public sealed class PostgresDeploymentReplicaStore(PostgresDatabase database) : IDeploymentReplicaStore
{
    private const string Columns = "deployment, replica_id, address, served_version, desired_version, ready, healthy, detail, failed_version, registered_at, last_heartbeat_at, assigned_at, converged_at";

    // The same rule as SQLite's: a heartbeat that reports the assignment served, ready and healthy
    // keeps (or starts) converged_at; anything else clears it. r is the replica row being written.
    private const string Converged = "CASE WHEN @sv IS NOT NULL AND @sv = r.desired_version AND @ready AND @healthy THEN COALESCE(r.converged_at, @now) ELSE NULL END";

    /// <inheritdoc />
    public async Task<DeploymentReplica> RegisterAsync(ReplicaReport report, string assignVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(assignVersion);
        using var cmd = database.Command($"""
            INSERT INTO deployment_replicas AS r ({Columns})
            VALUES (@d, @id, @addr, @sv, @desired, @ready, @healthy, @detail, @fv, @now, @now, @now,
                    CASE WHEN @sv IS NOT NULL AND @sv = @desired AND @ready AND @healthy THEN @now ELSE NULL END)
            ON CONFLICT (deployment, replica_id) DO UPDATE SET
                address = excluded.address, served_version = excluded.served_version, ready = excluded.ready,
                healthy = excluded.healthy, detail = excluded.detail, failed_version = excluded.failed_version,
                last_heartbeat_at = excluded.last_heartbeat_at, converged_at = {Converged}
            RETURNING {Columns}
            """);
        Bind(cmd, report, database.NowMilliseconds());
        cmd.Text("desired", assignVersion);
        return (await cmd.ListAsync(ReadReplica, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <inheritdoc />
    public async Task<DeploymentReplica?> HeartbeatAsync(ReplicaReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var cmd = database.Command($"""
            UPDATE deployment_replicas AS r SET address = @addr, served_version = @sv, ready = @ready, healthy = @healthy,
                detail = @detail, failed_version = @fv, last_heartbeat_at = @now, converged_at = {Converged}
            WHERE deployment = @d AND replica_id = @id
            RETURNING {Columns}
            """);
        Bind(cmd, report, database.NowMilliseconds());
        var rows = await cmd.ListAsync(ReadReplica, cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeploymentReplica>> ListAsync(string deployment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        using var cmd = database.Command($"SELECT {Columns} FROM deployment_replicas WHERE deployment = @d ORDER BY replica_id COLLATE \"C\"");
        cmd.Text("d", deployment);
        return await cmd.ListAsync(ReadReplica, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DeploymentReplica?> AssignAsync(string deployment, string replicaId, string version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(replicaId);
        ArgumentException.ThrowIfNullOrEmpty(version);

        // One statement: move the assignment when it differs, then read the row as it now stands.
        using var cmd = database.Command($"""
            WITH moved AS (
                UPDATE deployment_replicas SET desired_version = @v, assigned_at = @now, converged_at = NULL
                WHERE deployment = @d AND replica_id = @id AND desired_version <> @v
                RETURNING {Columns})
            SELECT {Columns} FROM moved
            UNION ALL
            SELECT {Columns} FROM deployment_replicas WHERE deployment = @d AND replica_id = @id AND NOT EXISTS (SELECT 1 FROM moved)
            """);
        cmd.Text("d", deployment).Text("id", replicaId).Text("v", version).Long("now", database.NowMilliseconds());
        var rows = await cmd.ListAsync(ReadReplica, cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <inheritdoc />
    public async Task<int> ExpireAsync(TimeSpan silence, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(silence, TimeSpan.Zero);
        using var cmd = database.Command("DELETE FROM deployment_replicas WHERE last_heartbeat_at < @cutoff");
        cmd.Long("cutoff", database.NowMilliseconds() - (long)silence.TotalMilliseconds);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Bind(NpgsqlCommand cmd, ReplicaReport report, long now) => cmd
        .Text("d", report.Deployment)
        .Text("id", report.ReplicaId)
        .Text("addr", report.Address ?? string.Empty)
        .Text("sv", report.ServedVersion)
        .Bool("ready", report.Ready)
        .Bool("healthy", report.Healthy)
        .Text("detail", report.Detail)
        .Text("fv", report.FailedVersion)
        .Long("now", now);

    private static DeploymentReplica ReadReplica(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetNullableString(3),
        r.GetString(4),
        r.GetBoolean(5),
        r.GetBoolean(6),
        r.GetNullableString(7),
        r.GetNullableString(8),
        r.GetInt64(9),
        r.GetInt64(10),
        r.GetInt64(11),
        r.GetNullableInt64(12));
}
