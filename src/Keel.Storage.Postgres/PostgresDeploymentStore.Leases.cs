using Keel.Core.Deployments;
using Npgsql;

namespace Keel.Storage.Postgres;

// The controller lease, correct across processes: each operation is one statement whose condition is
// checked on the locked row (INSERT ... ON CONFLICT DO UPDATE ... WHERE, conditional UPDATE/DELETE),
// so of any number of contenders at most one holds an unexpired lease. Time is the store's clock
// (the hosts sharing a database keep their clocks in step, as they must for any lease).
public sealed partial class PostgresDeploymentStore
{
    private const string LeaseColumns = "name, holder, acquired_at, expires_at";

    /// <inheritdoc />
    public async Task<ControllerLease?> TryAcquireLeaseAsync(string lease, string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        CheckLease(lease, holder, duration);
        var now = database.NowMilliseconds();
        using var cmd = database.Command($"""
            INSERT INTO deployment_leases AS l ({LeaseColumns}) VALUES (@n, @h, @now, @e)
            ON CONFLICT (name) DO UPDATE SET
                holder = excluded.holder,
                acquired_at = CASE WHEN l.holder = excluded.holder AND l.expires_at > @now THEN l.acquired_at ELSE excluded.acquired_at END,
                expires_at = excluded.expires_at
            WHERE l.holder = excluded.holder OR l.expires_at <= @now
            RETURNING {LeaseColumns}
            """);
        cmd.Text("n", lease).Text("h", holder).Long("now", now).Long("e", now + (long)duration.TotalMilliseconds);
        var rows = await cmd.ListAsync(ReadLease, cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <inheritdoc />
    public async Task<ControllerLease?> RenewLeaseAsync(string lease, string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        CheckLease(lease, holder, duration);
        var now = database.NowMilliseconds();
        using var cmd = database.Command($"UPDATE deployment_leases SET expires_at = @e WHERE name = @n AND holder = @h AND expires_at > @now RETURNING {LeaseColumns}");
        cmd.Text("n", lease).Text("h", holder).Long("now", now).Long("e", now + (long)duration.TotalMilliseconds);
        var rows = await cmd.ListAsync(ReadLease, cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseLeaseAsync(string lease, string holder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(lease);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        using var cmd = database.Command("DELETE FROM deployment_leases WHERE name = @n AND holder = @h");
        cmd.Text("n", lease).Text("h", holder);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public async Task<ControllerLease?> GetLeaseAsync(string lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(lease);
        using var cmd = database.Command($"SELECT {LeaseColumns} FROM deployment_leases WHERE name = @n");
        cmd.Text("n", lease);
        var rows = await cmd.ListAsync(ReadLease, cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    private static ControllerLease ReadLease(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3));

    private static void CheckLease(string lease, string holder, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(lease);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
    }
}
