using Keel.Core.Auth;
using Keel.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// Users, permissions and API tokens in the tracking database (schema version 12). Each write is
/// one transaction on the single writer; a user's permissions and tokens go with the user (foreign
/// keys with ON DELETE CASCADE).
/// </summary>
public sealed partial class SqliteAuthStore(SqliteDatabase database) : IAuthStore
{
    private const string UserColumns = "id, username, password_hash, is_admin";

    /// <inheritdoc />
    public Task<AuthUser> CreateUserAsync(string username, string passwordHash, bool isAdmin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(passwordHash);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, $"INSERT INTO auth_users (username, password_hash, is_admin) VALUES ($u, $h, $a) ON CONFLICT (username) DO NOTHING RETURNING {UserColumns}");
            cmd.Parameters.AddWithValue("$u", username);
            cmd.Parameters.AddWithValue("$h", passwordHash);
            cmd.Parameters.AddWithValue("$a", isAdmin ? 1 : 0);
            using var reader = cmd.ExecuteReader();
            return reader.Read() ? ReadUser(reader) : throw KeelException.AlreadyExists($"User '{username}' already exists.");
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<AuthUser?> GetUserAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        return Task.FromResult(ReadOne($"SELECT {UserColumns} FROM auth_users WHERE username = $k", username, ReadUser));
    }

    /// <inheritdoc />
    public Task<AuthUser?> GetUserByIdAsync(long id, CancellationToken cancellationToken = default) =>
        Task.FromResult(ReadOne($"SELECT {UserColumns} FROM auth_users WHERE id = $k", id, ReadUser));

    /// <inheritdoc />
    public Task<long> CountUsersAsync(CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM auth_users";
        return Task.FromResult(Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public Task UpdatePasswordAsync(string username, string passwordHash, CancellationToken cancellationToken = default) =>
        UpdateUserAsync("password_hash = $v", username, passwordHash, cancellationToken);

    /// <inheritdoc />
    public Task UpdateAdminAsync(string username, bool isAdmin, CancellationToken cancellationToken = default) =>
        UpdateUserAsync("is_admin = $v", username, isAdmin ? 1 : 0, cancellationToken);

    /// <inheritdoc />
    public Task DeleteUserAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, "DELETE FROM auth_users WHERE username = $u");
            cmd.Parameters.AddWithValue("$u", username);
            return cmd.ExecuteNonQuery() == 0 ? throw UserNotFound(username) : 0;
        }, cancellationToken);
    }

    private Task UpdateUserAsync(string set, string username, object value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(username);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, $"UPDATE auth_users SET {set} WHERE username = $u");
            cmd.Parameters.AddWithValue("$u", username);
            cmd.Parameters.AddWithValue("$v", value);
            return cmd.ExecuteNonQuery() == 0 ? throw UserNotFound(username) : 0;
        }, cancellationToken);
    }

    internal static KeelException UserNotFound(string username) => KeelException.NotFound($"User with username={username} not found.");

    private T? ReadOne<T>(string sql, object key, Func<SqliteDataReader, T> read)
        where T : class
    {
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$k", key);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? read(reader) : null;
    }

    private List<T> ReadAll<T>(string sql, object key, Func<SqliteDataReader, T> read)
    {
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$k", key);
        using var reader = cmd.ExecuteReader();
        var items = new List<T>();
        while (reader.Read())
        {
            items.Add(read(reader));
        }

        return items;
    }

    private static AuthUser ReadUser(SqliteDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3) != 0);
}
