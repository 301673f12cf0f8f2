using Keel.Core.Auth;

namespace Keel.Storage.Sqlite;

public sealed partial class SqliteAuthStore
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
    public Task<ResourcePermission?> GetResourcePermissionAsync(ResourceKind kind, string name, long userId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Get(TableOf(kind), name, userId) is { } p ? new ResourcePermission(kind, name, userId, p) : null);

    /// <inheritdoc />
    public Task<IReadOnlyList<ResourcePermission>> ListResourcePermissionsAsync(ResourceKind kind, long userId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ResourcePermission>>(ReadAll(
            $"SELECT name, user_id, permission FROM {TableOf(kind).Table} WHERE user_id = $k ORDER BY name",
            userId,
            r => new ResourcePermission(kind, r.GetString(0), r.GetInt64(1), Permissions.Parse(r.GetString(2)))));

    /// <inheritdoc />
    public async Task<ResourcePermission> UpdateResourcePermissionAsync(ResourceKind kind, string name, long userId, Permission permission, CancellationToken cancellationToken = default) =>
        new(kind, name, userId, await UpdateAsync(TableOf(kind), name, userId, permission, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task DeleteResourcePermissionAsync(ResourceKind kind, string name, long userId, CancellationToken cancellationToken = default) =>
        DeleteAsync(TableOf(kind), name, userId, cancellationToken);

    /// <inheritdoc />
    public Task DeleteResourcePermissionsAsync(ResourceKind kind, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, $"DELETE FROM {TableOf(kind).Table} WHERE name = $n");
            cmd.Parameters.AddWithValue("$n", name);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task AddSetupTokenAsync(byte[] hash, long createdAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, "INSERT INTO auth_setup_tokens (hash, created_at) VALUES ($h, $t) ON CONFLICT DO NOTHING");
            cmd.Parameters.AddWithValue("$h", hash);
            cmd.Parameters.AddWithValue("$t", createdAt);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> SpendSetupTokenAsync(byte[] hash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, "DELETE FROM auth_setup_tokens WHERE hash = $h");
            cmd.Parameters.AddWithValue("$h", hash);
            if (cmd.ExecuteNonQuery() == 0)
            {
                return false;
            }

            database.Statement(tx, "DELETE FROM auth_setup_tokens").ExecuteNonQuery();
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task ClearSetupTokensAsync(CancellationToken cancellationToken = default) =>
        database.WriteAsync(tx => database.Statement(tx, "DELETE FROM auth_setup_tokens").ExecuteNonQuery(), cancellationToken);
}
