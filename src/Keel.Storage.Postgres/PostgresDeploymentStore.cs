using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Paging;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// Deployments in PostgreSQL (schema version 3). A deployment, its history event and the registry
/// audit entry are written in one transaction; an update or delete happens only if the stored
/// revision is the one the writer read (a conditional UPDATE, so two processes racing from the same
/// revision move the deployment once).
/// </summary>
public sealed partial class PostgresDeploymentStore(PostgresDatabase database) : IDeploymentStore
{
    private const string Columns = "name, state, stable_version, candidate_version, previous_stable_version, candidate_weight, step_index, spec, revision, created_at, updated_at, state_changed_at, reason";

    /// <inheritdoc />
    public Task<Deployment> CreateAsync(Deployment deployment, DeploymentChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(change);
        var stored = deployment with { Revision = 1, Reason = change.Reason };
        return database.WriteAsync(async (connection, tx) =>
        {
            using var cmd = new NpgsqlCommand($"""
                INSERT INTO deployments ({Columns}, model) VALUES (@n, @s, @sv, @cv, @pv, @w, @i, @spec, @r, @c, @u, @sc, @why, @m)
                ON CONFLICT (name) DO NOTHING
                """, connection, tx);
            Bind(cmd, stored, change);
            cmd.Long("c", stored.CreatedAt).Text("m", stored.Model);
            if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw KeelException.AlreadyExists($"Deployment '{stored.Name}' already exists.");
            }

            await RecordAsync(connection, tx, stored, change, cancellationToken).ConfigureAwait(false);
            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Deployment?> TryUpdateAsync(Deployment next, long expectedRevision, DeploymentChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(change);
        var stored = next with { Revision = expectedRevision + 1, Reason = change.Reason };
        return database.WriteAsync<Deployment?>(async (connection, tx) =>
        {
            using var cmd = new NpgsqlCommand("""
                UPDATE deployments SET state = @s, stable_version = @sv, candidate_version = @cv, previous_stable_version = @pv,
                    candidate_weight = @w, step_index = @i, spec = @spec, revision = @r, updated_at = @u, state_changed_at = @sc, reason = @why
                WHERE name = @n AND revision = @expected
                """, connection, tx);
            Bind(cmd, stored, change);
            cmd.Long("expected", expectedRevision);
            if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                await RequireDeploymentAsync(connection, tx, stored.Name, cancellationToken).ConfigureAwait(false);
                return null;
            }

            await RecordAsync(connection, tx, stored, change, cancellationToken).ConfigureAwait(false);
            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(Deployment current, long expectedRevision, DeploymentChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(change);
        return database.WriteAsync(async (connection, tx) =>
        {
            using (var cmd = new NpgsqlCommand("DELETE FROM deployments WHERE name = @n AND revision = @expected", connection, tx))
            {
                cmd.Text("n", current.Name).Long("expected", expectedRevision);
                if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    await RequireDeploymentAsync(connection, tx, current.Name, cancellationToken).ConfigureAwait(false);
                    return false;
                }
            }

            // The registry's trail keeps the deletion (RecordAsync also writes a history row, removed with the rest).
            await RecordAsync(connection, tx, current with { Revision = expectedRevision + 1 }, change, cancellationToken).ConfigureAwait(false);
            using var history = new NpgsqlCommand("DELETE FROM deployment_events WHERE deployment = @n", connection, tx);
            history.Text("n", current.Name);
            await history.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Deployment> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var cmd = database.Command($"SELECT {Columns} FROM deployments WHERE name = @n");
        cmd.Text("n", name);
        var found = await cmd.ListAsync(ReadDeployment, cancellationToken).ConfigureAwait(false);
        return found.Count > 0 ? found[0] : throw NotFound(name);
    }

    /// <inheritdoc />
    public async Task<PagedResult<Deployment>> ListAsync(int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        var offset = PageToken.ToOffset(pageToken);
        using var cmd = database.Command($"SELECT {Columns} FROM deployments ORDER BY name COLLATE \"C\" LIMIT @l OFFSET @o");
        cmd.Long("l", maxResults + 1L).Long("o", offset);
        return PostgresCommands.Page(await cmd.ListAsync(ReadDeployment, cancellationToken).ConfigureAwait(false), maxResults, offset);
    }

    /// <inheritdoc />
    public async Task<PagedResult<DeploymentEvent>> ListEventsAsync(string name, int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var offset = PageToken.ToOffset(pageToken);
        using (var exists = database.Command("SELECT 1 FROM deployments WHERE name = @n"))
        {
            exists.Text("n", name);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                throw NotFound(name);
            }
        }

        using var cmd = database.Command("""
            SELECT event_id, deployment, revision, kind, from_state, to_state, stable_version, candidate_version, candidate_weight, step_index, user_id, timestamp, reason, evidence
            FROM deployment_events WHERE deployment = @n ORDER BY event_id LIMIT @l OFFSET @o
            """);
        cmd.Text("n", name).Long("l", maxResults + 1L).Long("o", offset);
        var items = await cmd.ListAsync(
            r => new DeploymentEvent(
                r.GetInt64(0),
                r.GetString(1),
                r.GetInt64(2),
                r.GetString(3),
                r.IsDBNull(4) ? null : DeploymentStates.Parse(r.GetString(4)),
                DeploymentStates.Parse(r.GetString(5)),
                r.GetString(6),
                r.GetNullableString(7),
                r.GetInt32(8),
                r.GetInt32(9),
                r.GetString(10),
                r.GetInt64(11),
                r.GetNullableString(12),
                r.IsDBNull(13) ? null : JsonDocument.Parse(r.GetString(13)).RootElement.Clone()),
            cancellationToken).ConfigureAwait(false);
        return PostgresCommands.Page(items, maxResults, offset);
    }

    private static void Bind(NpgsqlCommand cmd, Deployment d, DeploymentChange change) => cmd
        .Text("n", d.Name)
        .Text("s", d.State.ToWireName())
        .Text("sv", d.StableVersion)
        .Text("cv", d.CandidateVersion)
        .Text("pv", d.PreviousStableVersion)
        .Int("w", d.CandidateWeight)
        .Int("i", d.StepIndex)
        .Text("spec", JsonSerializer.Serialize(d.Spec, KeelJson.Options))
        .Long("r", d.Revision)
        .Long("u", d.UpdatedAt)
        .Long("sc", d.StateChangedAt)
        .Text("why", change.Reason);

    private static Deployment ReadDeployment(NpgsqlDataReader r) => new(
        r.GetString(0),
        JsonSerializer.Deserialize<DeploymentSpec>(r.GetString(7), KeelJson.Options)!,
        r.GetString(2),
        r.GetNullableString(3),
        r.GetNullableString(4),
        DeploymentStates.Parse(r.GetString(1)),
        r.GetInt32(5),
        r.GetInt32(6),
        r.GetInt64(8),
        r.GetInt64(9),
        r.GetInt64(10),
        r.GetInt64(11),
        r.GetNullableString(12));

    private static async Task RequireDeploymentAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string name, CancellationToken cancellationToken)
    {
        using var cmd = new NpgsqlCommand("SELECT 1 FROM deployments WHERE name = @n", connection, tx);
        cmd.Text("n", name);
        if (await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            throw NotFound(name);
        }
    }

    private static KeelException NotFound(string name) => KeelException.NotFound($"Deployment '{name}' does not exist.");
}
