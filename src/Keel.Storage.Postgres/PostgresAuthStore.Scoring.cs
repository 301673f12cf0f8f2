using Keel.Core.Auth;
using Keel.Core.Errors;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

public sealed partial class PostgresAuthStore
{
    private const string ScoringColumns = "id, kind, resource_name, name, secret_hash, created_by, created_at, expires_at, revoked_at, last_used_at";

    /// <inheritdoc />
    public async Task<ScoringToken> CreateScoringTokenAsync(ScoringToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        using var cmd = database.Command($"INSERT INTO auth_scoring_tokens ({ScoringColumns}) VALUES (@id, @kind, @r, @name, @hash, @by, @created, @expires, NULL, NULL) ON CONFLICT DO NOTHING");
        cmd.Text("id", token.Id).Text("kind", token.Kind.ToWireName()).Text("r", token.ResourceName).Text("name", token.Name)
            .Text("by", token.CreatedBy).Long("created", token.CreatedAt).Long("expires", token.ExpiresAt);
        cmd.Parameters.Add(new NpgsqlParameter("hash", NpgsqlDbType.Bytea) { Value = token.SecretHash });
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1
            ? token with { RevokedAt = null, LastUsedAt = null }
            : throw KeelException.AlreadyExists($"The {token.Kind.Noun()} '{token.ResourceName}' has a scoring token named '{token.Name}' already.");
    }

    /// <inheritdoc />
    public async Task<ScoringToken?> GetScoringTokenAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        using var cmd = database.Command($"SELECT {ScoringColumns} FROM auth_scoring_tokens WHERE id = @id");
        cmd.Text("id", id);
        return First(await cmd.ListAsync(ReadScoringToken, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ScoringToken>> ListScoringTokensAsync(ResourceKind kind, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var cmd = database.Command($"SELECT {ScoringColumns} FROM auth_scoring_tokens WHERE kind = @kind AND resource_name = @r ORDER BY created_at DESC, id COLLATE \"C\"");
        cmd.Text("kind", kind.ToWireName()).Text("r", name);
        return await cmd.ListAsync(ReadScoringToken, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(ResourceKind Kind, string Name)>> ListTokenGuardedResourcesAsync(CancellationToken cancellationToken = default)
    {
        using var cmd = database.Command("SELECT DISTINCT kind, resource_name COLLATE \"C\" FROM auth_scoring_tokens ORDER BY 1, 2");
        return await cmd.ListAsync(r => (ResourceKinds.Parse(r.GetString(0)), r.GetString(1)), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ScoringToken?> RevokeScoringTokenAsync(ResourceKind kind, string name, string id, long now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(id);
        using var cmd = database.Command($"UPDATE auth_scoring_tokens SET revoked_at = COALESCE(revoked_at, @now) WHERE id = @id AND kind = @kind AND resource_name = @r RETURNING {ScoringColumns}");
        cmd.Text("id", id).Text("kind", kind.ToWireName()).Text("r", name).Long("now", now);
        return First(await cmd.ListAsync(ReadScoringToken, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<bool> DeleteScoringTokenAsync(ResourceKind kind, string name, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(id);
        using var cmd = database.Command("DELETE FROM auth_scoring_tokens WHERE id = @id AND kind = @kind AND resource_name = @r");
        cmd.Text("id", id).Text("kind", kind.ToWireName()).Text("r", name);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task TouchScoringTokenAsync(string id, long now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        using var cmd = database.Command("UPDATE auth_scoring_tokens SET last_used_at = @now WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @now)");
        cmd.Text("id", id).Long("now", now);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static ScoringToken ReadScoringToken(NpgsqlDataReader r) => new(
        r.GetString(0),
        ResourceKinds.Parse(r.GetString(1)),
        r.GetString(2),
        r.GetString(3),
        (byte[])r.GetValue(4),
        r.GetString(5),
        r.GetInt64(6),
        r.GetInt64(7),
        r.GetNullableInt64(8),
        r.GetNullableInt64(9));
}
