namespace Keel.Core.Auth;

public sealed partial class AuthService
{
    /// <summary>Grants <paramref name="username"/> a level on an experiment (MLflow's create_experiment_permission).</summary>
    public async Task<ExperimentPermission> CreateExperimentPermissionAsync(string? experimentId, string? username, string? permission, CancellationToken cancellationToken = default)
    {
        var id = AuthValidator.Name(experimentId, "experiment_id");
        var level = Permissions.Parse(permission);
        var user = await GetUserAsync(username, cancellationToken).ConfigureAwait(false);
        return await store.CreateExperimentPermissionAsync(id, user.Id, level, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The level granted to <paramref name="username"/> on an experiment.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST: no user, or nothing granted.</exception>
    public async Task<ExperimentPermission> GetExperimentPermissionAsync(string? experimentId, string? username, CancellationToken cancellationToken = default)
    {
        var id = AuthValidator.Name(experimentId, "experiment_id");
        var user = await GetUserAsync(username, cancellationToken).ConfigureAwait(false);
        return await store.GetExperimentPermissionAsync(id, user.Id, cancellationToken).ConfigureAwait(false)
            ?? throw Errors.KeelException.NotFound($"Experiment permission with experiment_id={id} and username={user.Username} not found.");
    }

    /// <summary>Changes the level granted to <paramref name="username"/> on an experiment.</summary>
    public async Task<ExperimentPermission> UpdateExperimentPermissionAsync(string? experimentId, string? username, string? permission, CancellationToken cancellationToken = default)
    {
        var id = AuthValidator.Name(experimentId, "experiment_id");
        var level = Permissions.Parse(permission);
        var user = await GetUserAsync(username, cancellationToken).ConfigureAwait(false);
        return await store.UpdateExperimentPermissionAsync(id, user.Id, level, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the level granted to <paramref name="username"/> on an experiment (the default applies again).</summary>
    public async Task DeleteExperimentPermissionAsync(string? experimentId, string? username, CancellationToken cancellationToken = default)
    {
        var id = AuthValidator.Name(experimentId, "experiment_id");
        var user = await GetUserAsync(username, cancellationToken).ConfigureAwait(false);
        await store.DeleteExperimentPermissionAsync(id, user.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Grants <paramref name="username"/> a level on a registered model.</summary>
    public async Task<RegisteredModelPermission> CreateRegisteredModelPermissionAsync(string? name, string? username, string? permission, CancellationToken cancellationToken = default)
    {
        var model = AuthValidator.Name(name, "name");
        var level = Permissions.Parse(permission);
        var user = await GetUserAsync(username, cancellationToken).ConfigureAwait(false);
        return await store.CreateRegisteredModelPermissionAsync(model, user.Id, level, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The level granted to <paramref name="username"/> on a registered model.</summary>
    public async Task<RegisteredModelPermission> GetRegisteredModelPermissionAsync(string? name, string? username, CancellationToken cancellationToken = default)
    {
        var model = AuthValidator.Name(name, "name");
        var user = await GetUserAsync(username, cancellationToken).ConfigureAwait(false);
        return await store.GetRegisteredModelPermissionAsync(model, user.Id, cancellationToken).ConfigureAwait(false)
            ?? throw Errors.KeelException.NotFound($"Registered model permission with name={model} and username={user.Username} not found.");
    }

    /// <summary>Changes the level granted to <paramref name="username"/> on a registered model.</summary>
    public async Task<RegisteredModelPermission> UpdateRegisteredModelPermissionAsync(string? name, string? username, string? permission, CancellationToken cancellationToken = default)
    {
        var model = AuthValidator.Name(name, "name");
        var level = Permissions.Parse(permission);
        var user = await GetUserAsync(username, cancellationToken).ConfigureAwait(false);
        return await store.UpdateRegisteredModelPermissionAsync(model, user.Id, level, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the level granted to <paramref name="username"/> on a registered model.</summary>
    public async Task DeleteRegisteredModelPermissionAsync(string? name, string? username, CancellationToken cancellationToken = default)
    {
        var model = AuthValidator.Name(name, "name");
        var user = await GetUserAsync(username, cancellationToken).ConfigureAwait(false);
        await store.DeleteRegisteredModelPermissionAsync(model, user.Id, cancellationToken).ConfigureAwait(false);
    }
}
