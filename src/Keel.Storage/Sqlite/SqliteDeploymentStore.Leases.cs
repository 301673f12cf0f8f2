using Keel.Core.Deployments;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

// The controller lease. Each operation is one write transaction on the single writer, so two
// contenders are ordered and at most one holds an unexpired lease. Time is the store's clock.
public sealed partial class SqliteDeploymentStore
{
    /// <inheritdoc />
    public Task<ControllerLease?> TryAcquireLeaseAsync(string lease, string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        CheckLease(lease, holder, duration);
        return database.WriteAsync(tx =>
        {
            var now = database.NowMilliseconds();
            var current = ReadLease(tx, lease);
            if (current is not null && current.Holder != holder && current.ExpiresAt > now)
            {
                return null;
            }

            var acquired = current is not null && current.Holder == holder && current.ExpiresAt > now ? current.AcquiredAt : now;
            var next = new ControllerLease(lease, holder, acquired, now + (long)duration.TotalMilliseconds);
            var cmd = database.Statement(tx, """
                INSERT INTO deployment_leases (name, holder, acquired_at, expires_at) VALUES ($n, $h, $a, $e)
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
                """);
            cmd.Parameters.AddWithValue("$n", lease);
            cmd.Parameters.AddWithValue("$h", holder);
            cmd.Parameters.AddWithValue("$a", next.AcquiredAt);
            cmd.Parameters.AddWithValue("$e", next.ExpiresAt);
            cmd.ExecuteNonQuery();
            return next;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ControllerLease?> RenewLeaseAsync(string lease, string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        CheckLease(lease, holder, duration);
        return database.WriteAsync(tx =>
        {
            var now = database.NowMilliseconds();
            var current = ReadLease(tx, lease);
            if (current is null || current.Holder != holder || current.ExpiresAt <= now)
            {
                return null;
            }

            var next = current with { ExpiresAt = now + (long)duration.TotalMilliseconds };
            var cmd = database.Statement(tx, "UPDATE deployment_leases SET expires_at = $e WHERE name = $n AND holder = $h");
            cmd.Parameters.AddWithValue("$n", lease);
            cmd.Parameters.AddWithValue("$h", holder);
            cmd.Parameters.AddWithValue("$e", next.ExpiresAt);
            cmd.ExecuteNonQuery();
            return next;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ReleaseLeaseAsync(string lease, string holder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(lease);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, "DELETE FROM deployment_leases WHERE name = $n AND holder = $h");
            cmd.Parameters.AddWithValue("$n", lease);
            cmd.Parameters.AddWithValue("$h", holder);
            return cmd.ExecuteNonQuery() > 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ControllerLease?> GetLeaseAsync(string lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(lease);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name, holder, acquired_at, expires_at FROM deployment_leases WHERE name = $n";
        cmd.Parameters.AddWithValue("$n", lease);
        using var reader = cmd.ExecuteReader();
        return Task.FromResult(reader.Read() ? new ControllerLease(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)) : null);
    }

    private ControllerLease? ReadLease(SqliteTransaction tx, string lease)
    {
        var cmd = database.Statement(tx, "SELECT name, holder, acquired_at, expires_at FROM deployment_leases WHERE name = $n");
        cmd.Parameters.AddWithValue("$n", lease);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? new ControllerLease(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)) : null;
    }

    private static void CheckLease(string lease, string holder, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(lease);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
    }
}
