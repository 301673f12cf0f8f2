using Keel.Core.Auth;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

public sealed partial class PostgresAuthStore
{
    private static PermissionTable TableOf(ResourceKind kind) => kind switch
    {
        ResourceKind.Deployment => new("auth_deployment_permissions", "name", "deployment"),
        ResourceKind.ServedModel => new("auth_served_model_permissions", "name", "served model"),
        _ => new("auth_monitor_permissions", "name", "monitor"),
    };

    /// <inheritdoc />
    public async Task<ResourcePermission> CreateResourcePermissionAsync(ResourceKind kind, string name, long userId, Permission permission, CancellationToken cancellationToken = default) =>
        new(kind, name, userId, await CreateAsync(TableOf(kind), name, userId, permission, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<ResourcePermission?> GetResourcePermissionAsync(ResourceKind kind, string name, long userId, CancellationToken cancellationToken = default) =>
        await GetAsync(TableOf(kind), name, userId, cancellationToken).ConfigureAwait(false) is { } p ? new ResourcePermission(kind, name, userId, p) : null;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ResourcePermission>> ListResourcePermissionsAsync(ResourceKind kind, long userId, CancellationToken cancellationToken = default)
    {
        using var cmd = database.Command($"SELECT name, user_id, permission FROM {TableOf(kind).Table} WHERE user_id = @u ORDER BY name COLLATE \"C\"");
        cmd.Long("u", userId);
        return await cmd.ListAsync(r => new ResourcePermission(kind, r.GetString(0), r.GetInt64(1), Permissions.Parse(r.GetString(2))), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ResourcePermission> UpdateResourcePermissionAsync(ResourceKind kind, string name, long userId, Permission permission, CancellationToken cancellationToken = default) =>
        new(kind, name, userId, await UpdateAsync(TableOf(kind), name, userId, permission, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task DeleteResourcePermissionAsync(ResourceKind kind, string name, long userId, CancellationToken cancellationToken = default) =>
        DeleteAsync(TableOf(kind), name, userId, cancellationToken);

    /// <inheritdoc />
    public async Task DeleteResourcePermissionsAsync(ResourceKind kind, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var cmd = database.Command($"DELETE FROM {TableOf(kind).Table} WHERE name = @n");
        cmd.Text("n", name);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task AddSetupTokenAsync(byte[] hash, long createdAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hash);
        using var cmd = database.Command("INSERT INTO auth_setup_tokens (hash, created_at) VALUES (@h, @t) ON CONFLICT DO NOTHING");
        cmd.Long("t", createdAt);
        cmd.Parameters.Add(new NpgsqlParameter("h", NpgsqlDbType.Bytea) { Value = hash });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> SpendSetupTokenAsync(byte[] hash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hash);

        // One statement: the token is spent by whichever replica deletes its row, and every other
        // setup token goes with it; a replica that loses the race deletes nothing and gets false.
        using var cmd = database.Command("DELETE FROM auth_setup_tokens WHERE EXISTS (SELECT 1 FROM auth_setup_tokens WHERE hash = @h) RETURNING hash = @h");
        cmd.Parameters.Add(new NpgsqlParameter("h", NpgsqlDbType.Bytea) { Value = hash });
        return (await cmd.ListAsync(r => r.GetBoolean(0), cancellationToken).ConfigureAwait(false)).Contains(true);
    }

    /// <inheritdoc />
    public async Task ClearSetupTokensAsync(CancellationToken cancellationToken = default)
    {
        using var cmd = database.Command("DELETE FROM auth_setup_tokens");
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
