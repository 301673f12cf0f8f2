using Keel.Core.Auth;
using Keel.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

public sealed partial class SqliteAuthStore
{
    private static readonly PermissionTable Experiments = new("auth_experiment_permissions", "experiment_id", "experiment");
    private static readonly PermissionTable Models = new("auth_registered_model_permissions", "name", "registered model");

    /// <inheritdoc />
    public async Task<ExperimentPermission> CreateExperimentPermissionAsync(string experimentId, long userId, Permission permission, CancellationToken cancellationToken = default) =>
        new(experimentId, userId, await CreateAsync(Experiments, experimentId, userId, permission, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task<ExperimentPermission?> GetExperimentPermissionAsync(string experimentId, long userId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Get(Experiments, experimentId, userId) is { } p ? new ExperimentPermission(experimentId, userId, p) : null);

    /// <inheritdoc />
    public Task<IReadOnlyList<ExperimentPermission>> ListExperimentPermissionsAsync(long userId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ExperimentPermission>>(ReadAll(
            $"SELECT experiment_id, user_id, permission FROM {Experiments.Table} WHERE user_id = $k ORDER BY experiment_id",
            userId,
            r => new ExperimentPermission(r.GetString(0), r.GetInt64(1), Permissions.Parse(r.GetString(2)))));

    /// <inheritdoc />
    public async Task<ExperimentPermission> UpdateExperimentPermissionAsync(string experimentId, long userId, Permission permission, CancellationToken cancellationToken = default) =>
        new(experimentId, userId, await UpdateAsync(Experiments, experimentId, userId, permission, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task DeleteExperimentPermissionAsync(string experimentId, long userId, CancellationToken cancellationToken = default) =>
        DeleteAsync(Experiments, experimentId, userId, cancellationToken);

    /// <inheritdoc />
    public async Task<RegisteredModelPermission> CreateRegisteredModelPermissionAsync(string name, long userId, Permission permission, CancellationToken cancellationToken = default) =>
        new(name, userId, await CreateAsync(Models, name, userId, permission, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task<RegisteredModelPermission?> GetRegisteredModelPermissionAsync(string name, long userId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Get(Models, name, userId) is { } p ? new RegisteredModelPermission(name, userId, p) : null);

    /// <inheritdoc />
    public Task<IReadOnlyList<RegisteredModelPermission>> ListRegisteredModelPermissionsAsync(long userId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<RegisteredModelPermission>>(ReadAll(
            $"SELECT name, user_id, permission FROM {Models.Table} WHERE user_id = $k ORDER BY name",
            userId,
            r => new RegisteredModelPermission(r.GetString(0), r.GetInt64(1), Permissions.Parse(r.GetString(2)))));

    /// <inheritdoc />
    public async Task<RegisteredModelPermission> UpdateRegisteredModelPermissionAsync(string name, long userId, Permission permission, CancellationToken cancellationToken = default) =>
        new(name, userId, await UpdateAsync(Models, name, userId, permission, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task DeleteRegisteredModelPermissionAsync(string name, long userId, CancellationToken cancellationToken = default) =>
        DeleteAsync(Models, name, userId, cancellationToken);

    /// <inheritdoc />
    public Task RenameRegisteredModelPermissionsAsync(string oldName, string newName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(oldName);
        ArgumentNullException.ThrowIfNull(newName);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, $"UPDATE {Models.Table} SET name = $new WHERE name = $old");
            cmd.Parameters.AddWithValue("$old", oldName);
            cmd.Parameters.AddWithValue("$new", newName);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteRegisteredModelPermissionsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, $"DELETE FROM {Models.Table} WHERE name = $n");
            cmd.Parameters.AddWithValue("$n", name);
            return cmd.ExecuteNonQuery();
        }, cancellationToken);
    }

    private Task<Permission> CreateAsync(PermissionTable t, string resource, long userId, Permission permission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, $"""
                INSERT INTO {t.Table} ({t.Key}, user_id, permission)
                SELECT $r, id, $p FROM auth_users WHERE id = $u
                ON CONFLICT ({t.Key}, user_id) DO NOTHING
                """);
            Bind(cmd, resource, userId, permission);
            if (cmd.ExecuteNonQuery() == 1)
            {
                return permission;
            }

            throw UserExists(tx, userId)
                ? KeelException.AlreadyExists($"The user already has a permission on {t.Noun} '{resource}'.")
                : KeelException.NotFound($"User with id={userId} not found.");
        }, cancellationToken);
    }

    private Permission? Get(PermissionTable t, string resource, long userId)
    {
        ArgumentNullException.ThrowIfNull(resource);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT permission FROM {t.Table} WHERE {t.Key} = $r AND user_id = $u";
        cmd.Parameters.AddWithValue("$r", resource);
        cmd.Parameters.AddWithValue("$u", userId);
        return cmd.ExecuteScalar() is string p ? Permissions.Parse(p) : null;
    }

    private Task<Permission> UpdateAsync(PermissionTable t, string resource, long userId, Permission permission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, $"UPDATE {t.Table} SET permission = $p WHERE {t.Key} = $r AND user_id = $u");
            Bind(cmd, resource, userId, permission);
            return cmd.ExecuteNonQuery() == 1 ? permission : throw t.NotFound(resource, userId);
        }, cancellationToken);
    }

    private Task DeleteAsync(PermissionTable t, string resource, long userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return database.WriteAsync(tx =>
        {
            var cmd = database.Statement(tx, $"DELETE FROM {t.Table} WHERE {t.Key} = $r AND user_id = $u");
            Bind(cmd, resource, userId, Permission.NoPermissions);
            return cmd.ExecuteNonQuery() == 1 ? 0 : throw t.NotFound(resource, userId);
        }, cancellationToken);
    }

    private bool UserExists(SqliteTransaction tx, long userId)
    {
        var cmd = database.Statement(tx, "SELECT COUNT(*) FROM auth_users WHERE id = $u");
        cmd.Parameters.AddWithValue("$u", userId);
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static void Bind(SqliteCommand cmd, string resource, long userId, Permission permission)
    {
        cmd.Parameters.AddWithValue("$r", resource);
        cmd.Parameters.AddWithValue("$u", userId);
        cmd.Parameters.AddWithValue("$p", permission.ToWireName());
    }

    private sealed record PermissionTable(string Table, string Key, string Noun)
    {
        public KeelException NotFound(string resource, long userId) =>
            KeelException.NotFound($"No permission on {Noun} '{resource}' for the user with id={userId}.");
    }
}
