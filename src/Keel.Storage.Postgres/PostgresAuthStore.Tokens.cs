using Keel.Core.Auth;
using Keel.Core.Errors;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

public sealed partial class PostgresAuthStore
{
    private const string TokenColumns = "id, user_id, name, scope, secret_hash, created_at, expires_at, revoked_at, last_used_at";

    /// <inheritdoc />
    public async Task<ApiToken> CreateTokenAsync(ApiToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        using var cmd = database.Command($"""
            INSERT INTO auth_tokens ({TokenColumns})
            SELECT @id, id, @name, @scope, @hash, @created, @expires, NULL, NULL FROM auth_users WHERE id = @u
            ON CONFLICT DO NOTHING
            """);
        cmd.Text("id", token.Id).Long("u", token.UserId).Text("name", token.Name).Text("scope", token.Scope)
            .Long("created", token.CreatedAt).Long("expires", token.ExpiresAt);
        cmd.Parameters.Add(new NpgsqlParameter("hash", NpgsqlDbType.Bytea) { Value = token.SecretHash });
        if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return token with { RevokedAt = null, LastUsedAt = null };
        }

        throw await UserExistsAsync(token.UserId, cancellationToken).ConfigureAwait(false)
            ? KeelException.AlreadyExists($"A token named '{token.Name}' (or with id '{token.Id}') already exists.")
            : KeelException.NotFound($"User with id={token.UserId} not found.");
    }

    /// <inheritdoc />
    public async Task<ApiToken?> GetTokenAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        using var cmd = database.Command($"SELECT {TokenColumns} FROM auth_tokens WHERE id = @id");
        cmd.Text("id", id);
        return First(await cmd.ListAsync(ReadToken, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApiToken>> ListTokensAsync(long userId, CancellationToken cancellationToken = default)
    {
        using var cmd = database.Command($"SELECT {TokenColumns} FROM auth_tokens WHERE user_id = @u ORDER BY created_at DESC, id COLLATE \"C\"");
        cmd.Long("u", userId);
        return await cmd.ListAsync(ReadToken, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ApiToken?> RevokeTokenAsync(long userId, string id, long now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        using var cmd = database.Command($"UPDATE auth_tokens SET revoked_at = COALESCE(revoked_at, @now) WHERE id = @id AND user_id = @u RETURNING {TokenColumns}");
        cmd.Text("id", id).Long("u", userId).Long("now", now);
        return First(await cmd.ListAsync(ReadToken, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task TouchTokenAsync(string id, long now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        using var cmd = database.Command("UPDATE auth_tokens SET last_used_at = @now WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @now)");
        cmd.Text("id", id).Long("now", now);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static ApiToken ReadToken(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetInt64(1),
        r.GetString(2),
        r.GetString(3),
        (byte[])r.GetValue(4),
        r.GetInt64(5),
        r.GetInt64(6),
        r.GetNullableInt64(7),
        r.GetNullableInt64(8));
}
