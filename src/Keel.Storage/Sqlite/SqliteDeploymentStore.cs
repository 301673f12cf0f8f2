using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Paging;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// Deployments in the tracking database (schema version 7). Writes share the group-commit writer,
/// so a deployment, its history event and the registry audit entry are written in one
/// transaction; an update happens only if the stored revision is the one the writer read.
/// </summary>
public sealed partial class SqliteDeploymentStore(SqliteDatabase database) : IDeploymentStore
{
    private const string Columns = "name, state, stable_version, candidate_version, previous_stable_version, candidate_weight, step_index, spec, revision, created_at, updated_at, state_changed_at, reason";

    /// <inheritdoc />
    public Task<Deployment> CreateAsync(Deployment deployment, DeploymentChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(change);
        var stored = deployment with { Revision = 1, Reason = change.Reason };
        return database.WriteAsync(tx =>
        {
            var exists = database.Statement(tx, "SELECT 1 FROM deployments WHERE name = $n");
            exists.Parameters.AddWithValue("$n", stored.Name);
            if (exists.ExecuteScalar() is not null)
            {
                throw KeelException.AlreadyExists($"Deployment '{stored.Name}' already exists.");
            }

            var cmd = database.Statement(tx, $"INSERT INTO deployments ({Columns}, model) VALUES ($n, $s, $sv, $cv, $pv, $w, $i, $spec, $r, $c, $u, $sc, $why, $m)");
            Bind(cmd, stored, change);
            cmd.Parameters.AddWithValue("$c", stored.CreatedAt);
            cmd.Parameters.AddWithValue("$m", stored.Model);
            cmd.ExecuteNonQuery();
            Record(tx, stored, change);
            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Deployment?> TryUpdateAsync(Deployment next, long expectedRevision, DeploymentChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(change);
        var stored = next with { Revision = expectedRevision + 1, Reason = change.Reason };
        return database.WriteAsync<Deployment?>(tx =>
        {
            var cmd = database.Statement(tx, """
                UPDATE deployments SET state = $s, stable_version = $sv, candidate_version = $cv, previous_stable_version = $pv,
                    candidate_weight = $w, step_index = $i, spec = $spec, revision = $r, updated_at = $u, state_changed_at = $sc, reason = $why
                WHERE name = $n AND revision = $expected
                """);
            Bind(cmd, stored, change);
            cmd.Parameters.AddWithValue("$expected", expectedRevision);
            if (cmd.ExecuteNonQuery() == 0)
            {
                RequireDeployment(tx, stored.Name);
                return null;
            }

            Record(tx, stored, change);
            return stored;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(Deployment current, long expectedRevision, DeploymentChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(change);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, "DELETE FROM deployments WHERE name = $n AND revision = $expected");
            cmd.Parameters.AddWithValue("$n", current.Name);
            cmd.Parameters.AddWithValue("$expected", expectedRevision);
            if (cmd.ExecuteNonQuery() == 0)
            {
                RequireDeployment(tx, current.Name);
                return false;
            }

            // The registry's trail keeps the deletion (Record also writes a history row, removed with the rest).
            Record(tx, current with { Revision = expectedRevision + 1 }, change);
            var history = database.Statement(tx, "DELETE FROM deployment_events WHERE deployment = $n");
            history.Parameters.AddWithValue("$n", current.Name);
            history.ExecuteNonQuery();
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Deployment> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM deployments WHERE name = $n";
        cmd.Parameters.AddWithValue("$n", name);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? Task.FromResult(ReadDeployment(reader)) : throw NotFound(name);
    }

    /// <inheritdoc />
    public Task<PagedResult<Deployment>> ListAsync(int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        var offset = PageToken.ToOffset(pageToken);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM deployments ORDER BY name LIMIT $l OFFSET $o";
        cmd.Parameters.AddWithValue("$l", maxResults + 1);
        cmd.Parameters.AddWithValue("$o", offset);
        var items = new List<Deployment>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            items.Add(ReadDeployment(reader));
        }

        return Task.FromResult(Page(items, maxResults, offset));
    }

    /// <inheritdoc />
    public Task<PagedResult<DeploymentEvent>> ListEventsAsync(string name, int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var offset = PageToken.ToOffset(pageToken);
        using var connection = database.OpenReadConnection();
        using (var exists = connection.CreateCommand())
        {
            exists.CommandText = "SELECT 1 FROM deployments WHERE name = $n";
            exists.Parameters.AddWithValue("$n", name);
            if (exists.ExecuteScalar() is null)
            {
                throw NotFound(name);
            }
        }

        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT event_id, deployment, revision, kind, from_state, to_state, stable_version, candidate_version, candidate_weight, step_index, user_id, timestamp, reason, evidence
            FROM deployment_events WHERE deployment = $n ORDER BY event_id LIMIT $l OFFSET $o
            """;
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$l", maxResults + 1);
        cmd.Parameters.AddWithValue("$o", offset);
        var items = new List<DeploymentEvent>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            items.Add(new DeploymentEvent(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetInt64(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : DeploymentStates.Parse(reader.GetString(4)),
                DeploymentStates.Parse(reader.GetString(5)),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetInt32(8),
                reader.GetInt32(9),
                reader.GetString(10),
                reader.GetInt64(11),
                reader.IsDBNull(12) ? null : reader.GetString(12),
                reader.IsDBNull(13) ? null : JsonDocument.Parse(reader.GetString(13)).RootElement.Clone()));
        }

        return Task.FromResult(Page(items, maxResults, offset));
    }

    private static PagedResult<T> Page<T>(List<T> items, int maxResults, long offset)
    {
        if (items.Count <= maxResults)
        {
            return new PagedResult<T>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new PagedResult<T>(items, PageToken.FromOffset(offset + maxResults));
    }

    private static void Bind(SqliteCommand cmd, Deployment d, DeploymentChange change)
    {
        cmd.Parameters.AddWithValue("$n", d.Name);
        cmd.Parameters.AddWithValue("$s", d.State.ToWireName());
        cmd.Parameters.AddWithValue("$sv", d.StableVersion);
        cmd.Parameters.AddWithValue("$cv", (object?)d.CandidateVersion ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$pv", (object?)d.PreviousStableVersion ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$w", d.CandidateWeight);
        cmd.Parameters.AddWithValue("$i", d.StepIndex);
        cmd.Parameters.AddWithValue("$spec", JsonSerializer.Serialize(d.Spec, KeelJson.Options));
        cmd.Parameters.AddWithValue("$r", d.Revision);
        cmd.Parameters.AddWithValue("$u", d.UpdatedAt);
        cmd.Parameters.AddWithValue("$sc", d.StateChangedAt);
        cmd.Parameters.AddWithValue("$why", (object?)change.Reason ?? DBNull.Value);
    }

    private static Deployment ReadDeployment(SqliteDataReader reader) => new(
        reader.GetString(0),
        JsonSerializer.Deserialize<DeploymentSpec>(reader.GetString(7), KeelJson.Options)!,
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        DeploymentStates.Parse(reader.GetString(1)),
        reader.GetInt32(5),
        reader.GetInt32(6),
        reader.GetInt64(8),
        reader.GetInt64(9),
        reader.GetInt64(10),
        reader.GetInt64(11),
        reader.IsDBNull(12) ? null : reader.GetString(12));

    private void RequireDeployment(SqliteTransaction tx, string name)
    {
        var cmd = database.Statement(tx, "SELECT 1 FROM deployments WHERE name = $n");
        cmd.Parameters.AddWithValue("$n", name);
        if (cmd.ExecuteScalar() is null)
        {
            throw NotFound(name);
        }
    }

    private static KeelException NotFound(string name) => KeelException.NotFound($"Deployment '{name}' does not exist.");
}
