using Keel.Core.Auth;
using Keel.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

public sealed partial class SqliteAuthStore
{
    private const string ScoringColumns = "id, kind, resource_name, name, secret_hash, created_by, created_at, expires_at, revoked_at, last_used_at";

    /// <inheritdoc />
    public Task<ScoringToken> CreateScoringTokenAsync(ScoringToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, $"INSERT INTO auth_scoring_tokens ({ScoringColumns}) VALUES ($id, $kind, $r, $name, $hash, $by, $created, $expires, NULL, NULL) ON CONFLICT DO NOTHING");
            cmd.Parameters.AddWithValue("$id", token.Id);
            cmd.Parameters.AddWithValue("$kind", token.Kind.ToWireName());
            cmd.Parameters.AddWithValue("$r", token.ResourceName);
            cmd.Parameters.AddWithValue("$name", token.Name);
            cmd.Parameters.AddWithValue("$hash", token.SecretHash);
            cmd.Parameters.AddWithValue("$by", token.CreatedBy);
            cmd.Parameters.AddWithValue("$created", token.CreatedAt);
            cmd.Parameters.AddWithValue("$expires", token.ExpiresAt);
            return cmd.ExecuteNonQuery() == 1
                ? token with { RevokedAt = null, LastUsedAt = null }
                : throw KeelException.AlreadyExists($"The {token.Kind.Noun()} '{token.ResourceName}' has a scoring token named '{token.Name}' already.");
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ScoringToken?> GetScoringTokenAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Task.FromResult(ReadOne($"SELECT {ScoringColumns} FROM auth_scoring_tokens WHERE id = $k", id, ReadScoringToken));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ScoringToken>> ListScoringTokensAsync(ResourceKind kind, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {ScoringColumns} FROM auth_scoring_tokens WHERE kind = $kind AND resource_name = $r ORDER BY created_at DESC, id";
        cmd.Parameters.AddWithValue("$kind", kind.ToWireName());
        cmd.Parameters.AddWithValue("$r", name);
        using var reader = cmd.ExecuteReader();
        var items = new List<ScoringToken>();
        while (reader.Read())
        {
            items.Add(ReadScoringToken(reader));
        }

        return Task.FromResult<IReadOnlyList<ScoringToken>>(items);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<(ResourceKind Kind, string Name)>> ListTokenGuardedResourcesAsync(CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT kind, resource_name FROM auth_scoring_tokens ORDER BY kind, resource_name";
        using var reader = cmd.ExecuteReader();
        var items = new List<(ResourceKind, string)>();
        while (reader.Read())
        {
            items.Add((ResourceKinds.Parse(reader.GetString(0)), reader.GetString(1)));
        }

        return Task.FromResult<IReadOnlyList<(ResourceKind Kind, string Name)>>(items);
    }

    /// <inheritdoc />
    public Task<ScoringToken?> RevokeScoringTokenAsync(ResourceKind kind, string name, string id, long now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(id);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, $"UPDATE auth_scoring_tokens SET revoked_at = COALESCE(revoked_at, $now) WHERE id = $id AND kind = $kind AND resource_name = $r RETURNING {ScoringColumns}");
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$kind", kind.ToWireName());
            cmd.Parameters.AddWithValue("$r", name);
            cmd.Parameters.AddWithValue("$now", now);
            using var reader = cmd.ExecuteReader();
            return reader.Read() ? ReadScoringToken(reader) : null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteScoringTokenAsync(ResourceKind kind, string name, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(id);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, "DELETE FROM auth_scoring_tokens WHERE id = $id AND kind = $kind AND resource_name = $r");
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$kind", kind.ToWireName());
            cmd.Parameters.AddWithValue("$r", name);
            return cmd.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task TouchScoringTokenAsync(string id, long now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, "UPDATE auth_scoring_tokens SET last_used_at = $now WHERE id = $id AND (last_used_at IS NULL OR last_used_at < $now)");
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$now", now);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
    }

    private static ScoringToken ReadScoringToken(SqliteDataReader r) => new(
        r.GetString(0),
        ResourceKinds.Parse(r.GetString(1)),
        r.GetString(2),
        r.GetString(3),
        (byte[])r.GetValue(4),
        r.GetString(5),
        r.GetInt64(6),
        r.GetInt64(7),
        r.IsDBNull(8) ? null : r.GetInt64(8),
        r.IsDBNull(9) ? null : r.GetInt64(9));
}
