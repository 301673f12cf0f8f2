using Keel.Core.Auth;
using Keel.Core.Errors;

namespace Keel.Storage.Postgres;

public sealed partial class PostgresAuthStore
{
    private static readonly PermissionTable Experiments = new("auth_experiment_permissions", "experiment_id", "experiment");
    private static readonly PermissionTable Models = new("auth_registered_model_permissions", "name", "registered model");

    /// <inheritdoc />
    public async Task<ExperimentPermission> CreateExperimentPermissionAsync(string experimentId, long userId, Permission permission, CancellationToken cancellationToken = default) =>
        new(experimentId, userId, await CreateAsync(Experiments, experimentId, userId, permission, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async Task<ExperimentPermission?> GetExperimentPermissionAsync(string experimentId, long userId, CancellationToken cancellationToken = default) =>
        await GetAsync(Experiments, experimentId, userId, cancellationToken).ConfigureAwait(false) is { } p ? new ExperimentPermission(experimentId, userId, p) : null;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ExperimentPermission>> ListExperimentPermissionsAsync(long userId, CancellationToken cancellationToken = default)
    {
        using var cmd = database.Command($"SELECT experiment_id, user_id, permission FROM {Experiments.Table} WHERE user_id = @u ORDER BY experiment_id COLLATE \"C\"");
        cmd.Long("u", userId);
        return await cmd.ListAsync(r => new ExperimentPermission(r.GetString(0), r.GetInt64(1), Permissions.Parse(r.GetString(2))), cancellationToken).ConfigureAwait(false);
    }

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
    public async Task<RegisteredModelPermission?> GetRegisteredModelPermissionAsync(string name, long userId, CancellationToken cancellationToken = default) =>
        await GetAsync(Models, name, userId, cancellationToken).ConfigureAwait(false) is { } p ? new RegisteredModelPermission(name, userId, p) : null;

    /// <inheritdoc />
    public async Task<IReadOnlyList<RegisteredModelPermission>> ListRegisteredModelPermissionsAsync(long userId, CancellationToken cancellationToken = default)
    {
        using var cmd = database.Command($"SELECT name, user_id, permission FROM {Models.Table} WHERE user_id = @u ORDER BY name COLLATE \"C\"");
        cmd.Long("u", userId);
        return await cmd.ListAsync(r => new RegisteredModelPermission(r.GetString(0), r.GetInt64(1), Permissions.Parse(r.GetString(2))), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RegisteredModelPermission> UpdateRegisteredModelPermissionAsync(string name, long userId, Permission permission, CancellationToken cancellationToken = default) =>
        new(name, userId, await UpdateAsync(Models, name, userId, permission, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public Task DeleteRegisteredModelPermissionAsync(string name, long userId, CancellationToken cancellationToken = default) =>
        DeleteAsync(Models, name, userId, cancellationToken);

    /// <inheritdoc />
    public async Task RenameRegisteredModelPermissionsAsync(string oldName, string newName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(oldName);
        ArgumentNullException.ThrowIfNull(newName);
        using var cmd = database.Command($"UPDATE {Models.Table} SET name = @new WHERE name = @old");
        cmd.Text("old", oldName).Text("new", newName);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteRegisteredModelPermissionsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var cmd = database.Command($"DELETE FROM {Models.Table} WHERE name = @n");
        cmd.Text("n", name);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Permission> CreateAsync(PermissionTable t, string resource, long userId, Permission permission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        using var cmd = database.Command($"""
            INSERT INTO {t.Table} ({t.Key}, user_id, permission)
            SELECT @r, id, @p FROM auth_users WHERE id = @u
            ON CONFLICT ({t.Key}, user_id) DO NOTHING
            """);
        cmd.Text("r", resource).Long("u", userId).Text("p", permission.ToWireName());
        if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return permission;
        }

        throw await UserExistsAsync(userId, cancellationToken).ConfigureAwait(false)
            ? KeelException.AlreadyExists($"The user already has a permission on {t.Noun} '{resource}'.")
            : KeelException.NotFound($"User with id={userId} not found.");
    }

    private async Task<Permission?> GetAsync(PermissionTable t, string resource, long userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        using var cmd = database.Command($"SELECT permission FROM {t.Table} WHERE {t.Key} = @r AND user_id = @u");
        cmd.Text("r", resource).Long("u", userId);
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string p ? Permissions.Parse(p) : null;
    }

    private async Task<Permission> UpdateAsync(PermissionTable t, string resource, long userId, Permission permission, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        using var cmd = database.Command($"UPDATE {t.Table} SET permission = @p WHERE {t.Key} = @r AND user_id = @u");
        cmd.Text("r", resource).Long("u", userId).Text("p", permission.ToWireName());
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1 ? permission : throw t.NotFound(resource, userId);
    }

    private async Task DeleteAsync(PermissionTable t, string resource, long userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        using var cmd = database.Command($"DELETE FROM {t.Table} WHERE {t.Key} = @r AND user_id = @u");
        cmd.Text("r", resource).Long("u", userId);
        if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            throw t.NotFound(resource, userId);
        }
    }

    private sealed record PermissionTable(string Table, string Key, string Noun)
    {
        public KeelException NotFound(string resource, long userId) =>
            KeelException.NotFound($"No permission on {Noun} '{resource}' for the user with id={userId}.");
    }
}
