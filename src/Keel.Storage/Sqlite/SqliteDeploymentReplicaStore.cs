using Keel.Core.Deployments;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// The replicas of deployments in the tracking database (schema version 9). Each write is one
/// transaction on the single writer; times are the store's clock, so every server process sharing
/// the database agrees on how long ago a replica was heard from.
/// </summary>
public sealed class SqliteDeploymentReplicaStore(SqliteDatabase database) : IDeploymentReplicaStore
{
    private const string Columns = "deployment, replica_id, address, served_version, desired_version, ready, healthy, detail, failed_version, registered_at, last_heartbeat_at, assigned_at, converged_at";

    // A heartbeat that reports the assignment served, ready and healthy keeps (or starts) converged_at; anything else clears it.
    private const string Converged = "CASE WHEN $sv IS NOT NULL AND $sv = desired_version AND $ready = 1 AND $healthy = 1 THEN COALESCE(converged_at, $now) ELSE NULL END";

    /// <inheritdoc />
    public Task<DeploymentReplica> RegisterAsync(ReplicaReport report, string assignVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(assignVersion);
        return database.WriteAsync(tx =>
        {
            var now = database.NowMilliseconds();
            var cmd = database.Statement(tx, $"""
                INSERT INTO deployment_replicas ({Columns})
                VALUES ($d, $id, $addr, $sv, $desired, $ready, $healthy, $detail, $fv, $now, $now, $now,
                        CASE WHEN $sv IS NOT NULL AND $sv = $desired AND $ready = 1 AND $healthy = 1 THEN $now ELSE NULL END)
                ON CONFLICT (deployment, replica_id) DO UPDATE SET
                    address = excluded.address, served_version = excluded.served_version, ready = excluded.ready,
                    healthy = excluded.healthy, detail = excluded.detail, failed_version = excluded.failed_version,
                    last_heartbeat_at = excluded.last_heartbeat_at, converged_at = {Converged}
                """);
            Bind(cmd, report, now);
            cmd.Parameters.AddWithValue("$desired", assignVersion);
            cmd.ExecuteNonQuery();
            return Read(tx, report.Deployment!, report.ReplicaId!)!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeploymentReplica?> HeartbeatAsync(ReplicaReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        return database.WriteAsync(tx =>
        {
            var now = database.NowMilliseconds();
            var cmd = database.Statement(tx, $"""
                UPDATE deployment_replicas SET address = $addr, served_version = $sv, ready = $ready, healthy = $healthy,
                    detail = $detail, failed_version = $fv, last_heartbeat_at = $now, converged_at = {Converged}
                WHERE deployment = $d AND replica_id = $id
                """);
            Bind(cmd, report, now);
            return cmd.ExecuteNonQuery() == 0 ? null : Read(tx, report.Deployment!, report.ReplicaId!);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeploymentReplica>> ListAsync(string deployment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM deployment_replicas WHERE deployment = $d ORDER BY replica_id";
        cmd.Parameters.AddWithValue("$d", deployment);
        using var reader = cmd.ExecuteReader();
        var items = new List<DeploymentReplica>();
        while (reader.Read())
        {
            items.Add(ReadReplica(reader));
        }

        return Task.FromResult<IReadOnlyList<DeploymentReplica>>(items);
    }

    /// <inheritdoc />
    public Task<DeploymentReplica?> AssignAsync(string deployment, string replicaId, string version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(replicaId);
        ArgumentException.ThrowIfNullOrEmpty(version);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, """
                UPDATE deployment_replicas SET desired_version = $v, assigned_at = $now, converged_at = NULL
                WHERE deployment = $d AND replica_id = $id AND desired_version <> $v
                """);
            cmd.Parameters.AddWithValue("$d", deployment);
            cmd.Parameters.AddWithValue("$id", replicaId);
            cmd.Parameters.AddWithValue("$v", version);
            cmd.Parameters.AddWithValue("$now", database.NowMilliseconds());
            cmd.ExecuteNonQuery();
            return Read(tx, deployment, replicaId);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> ExpireAsync(TimeSpan silence, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(silence, TimeSpan.Zero);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, "DELETE FROM deployment_replicas WHERE last_heartbeat_at < $cutoff");
            cmd.Parameters.AddWithValue("$cutoff", database.NowMilliseconds() - (long)silence.TotalMilliseconds);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
    }

    private static void Bind(SqliteCommand cmd, ReplicaReport report, long now)
    {
        cmd.Parameters.AddWithValue("$d", report.Deployment);
        cmd.Parameters.AddWithValue("$id", report.ReplicaId);
        cmd.Parameters.AddWithValue("$addr", report.Address ?? string.Empty);
        cmd.Parameters.AddWithValue("$sv", (object?)report.ServedVersion ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$ready", report.Ready ? 1 : 0);
        cmd.Parameters.AddWithValue("$healthy", report.Healthy ? 1 : 0);
        cmd.Parameters.AddWithValue("$detail", (object?)report.Detail ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$fv", (object?)report.FailedVersion ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$now", now);
    }

    private DeploymentReplica? Read(SqliteTransaction tx, string deployment, string replicaId)
    {
        var cmd = database.Statement(tx, $"SELECT {Columns} FROM deployment_replicas WHERE deployment = $d AND replica_id = $id");
        cmd.Parameters.AddWithValue("$d", deployment);
        cmd.Parameters.AddWithValue("$id", replicaId);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? ReadReplica(reader) : null;
    }

    private static DeploymentReplica ReadReplica(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.GetString(4),
        reader.GetInt64(5) != 0,
        reader.GetInt64(6) != 0,
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.GetInt64(9),
        reader.GetInt64(10),
        reader.GetInt64(11),
        reader.IsDBNull(12) ? null : reader.GetInt64(12));
}
