using Keel.Core.Auth;
using Keel.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

public sealed partial class SqliteAuthStore
{
    private const string TokenColumns = "id, user_id, name, scope, secret_hash, created_at, expires_at, revoked_at, last_used_at";

    /// <inheritdoc />
    public Task<ApiToken> CreateTokenAsync(ApiToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, $"""
                INSERT INTO auth_tokens ({TokenColumns})
                SELECT $id, id, $name, $scope, $hash, $created, $expires, NULL, NULL FROM auth_users WHERE id = $u
                ON CONFLICT DO NOTHING
                """);
            cmd.Parameters.AddWithValue("$id", token.Id);
            cmd.Parameters.AddWithValue("$u", token.UserId);
            cmd.Parameters.AddWithValue("$name", token.Name);
            cmd.Parameters.AddWithValue("$scope", token.Scope);
            cmd.Parameters.AddWithValue("$hash", token.SecretHash);
            cmd.Parameters.AddWithValue("$created", token.CreatedAt);
            cmd.Parameters.AddWithValue("$expires", token.ExpiresAt);
            if (cmd.ExecuteNonQuery() == 1)
            {
                return token with { RevokedAt = null, LastUsedAt = null };
            }

            throw UserExists(tx, token.UserId)
                ? KeelException.AlreadyExists($"A token named '{token.Name}' (or with id '{token.Id}') already exists.")
                : KeelException.NotFound($"User with id={token.UserId} not found.");
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ApiToken?> GetTokenAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Task.FromResult(ReadOne($"SELECT {TokenColumns} FROM auth_tokens WHERE id = $k", id, ReadToken));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiToken>> ListTokensAsync(long userId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ApiToken>>(ReadAll($"SELECT {TokenColumns} FROM auth_tokens WHERE user_id = $k ORDER BY created_at DESC, id", userId, ReadToken));

    /// <inheritdoc />
    public Task<ApiToken?> RevokeTokenAsync(long userId, string id, long now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, $"UPDATE auth_tokens SET revoked_at = COALESCE(revoked_at, $now) WHERE id = $id AND user_id = $u RETURNING {TokenColumns}");
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$u", userId);
            cmd.Parameters.AddWithValue("$now", now);
            using var reader = cmd.ExecuteReader();
            return reader.Read() ? ReadToken(reader) : null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task TouchTokenAsync(string id, long now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, "UPDATE auth_tokens SET last_used_at = $now WHERE id = $id AND (last_used_at IS NULL OR last_used_at < $now)");
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$now", now);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
    }

    private static ApiToken ReadToken(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetInt64(1),
        r.GetString(2),
        r.GetString(3),
        (byte[])r.GetValue(4),
        r.GetInt64(5),
        r.GetInt64(6),
        r.IsDBNull(7) ? null : r.GetInt64(7),
        r.IsDBNull(8) ? null : r.GetInt64(8));
}
