using Keel.Core.Auth;
using Keel.Core.Errors;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// Users, permissions and API tokens in PostgreSQL (schema version 9). Each write is one statement;
/// a user's permissions and tokens go with the user (foreign keys with ON DELETE CASCADE).
/// </summary>
public sealed partial class PostgresAuthStore(PostgresDatabase database) : IAuthStore
{
    private const string UserColumns = "id, username, password_hash, is_admin";

    /// <inheritdoc />
    public async Task<AuthUser> CreateUserAsync(string username, string passwordHash, bool isAdmin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(passwordHash);
        using var cmd = database.Command($"INSERT INTO auth_users (username, password_hash, is_admin) VALUES (@u, @h, @a) ON CONFLICT (username) DO NOTHING RETURNING {UserColumns}");
        cmd.Text("u", username).Text("h", passwordHash).Bool("a", isAdmin);
        var rows = await cmd.ListAsync(ReadUser, cancellationToken).ConfigureAwait(false);
        return rows.Count == 1 ? rows[0] : throw KeelException.AlreadyExists($"User '{username}' already exists.");
    }

    /// <inheritdoc />
    public async Task<AuthUser?> GetUserAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        using var cmd = database.Command($"SELECT {UserColumns} FROM auth_users WHERE username = @k");
        cmd.Text("k", username);
        return First(await cmd.ListAsync(ReadUser, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<AuthUser?> GetUserByIdAsync(long id, CancellationToken cancellationToken = default)
    {
        using var cmd = database.Command($"SELECT {UserColumns} FROM auth_users WHERE id = @k");
        cmd.Long("k", id);
        return First(await cmd.ListAsync(ReadUser, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<long> CountUsersAsync(CancellationToken cancellationToken = default)
    {
        using var cmd = database.Command("SELECT COUNT(*) FROM auth_users");
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async Task UpdatePasswordAsync(string username, string passwordHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        using var cmd = database.Command("UPDATE auth_users SET password_hash = @v WHERE username = @u");
        cmd.Text("u", username).Text("v", passwordHash);
        await ExpectOneAsync(cmd, username, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task UpdateAdminAsync(string username, bool isAdmin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        using var cmd = database.Command("UPDATE auth_users SET is_admin = @v WHERE username = @u");
        cmd.Text("u", username).Bool("v", isAdmin);
        await ExpectOneAsync(cmd, username, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteUserAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        using var cmd = database.Command("DELETE FROM auth_users WHERE username = @u");
        cmd.Text("u", username);
        await ExpectOneAsync(cmd, username, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExpectOneAsync(NpgsqlCommand cmd, string username, CancellationToken cancellationToken)
    {
        if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw KeelException.NotFound($"User with username={username} not found.");
        }
    }

    private async Task<bool> UserExistsAsync(long userId, CancellationToken cancellationToken)
    {
        using var cmd = database.Command("SELECT EXISTS (SELECT 1 FROM auth_users WHERE id = @u)");
        cmd.Long("u", userId);
        return (bool)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static T? First<T>(List<T> rows)
        where T : class => rows.Count > 0 ? rows[0] : null;

    private static AuthUser ReadUser(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetBoolean(3));
}
