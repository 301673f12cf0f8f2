using Keel.Core.Auth;
using Keel.Core.Errors;
using Keel.Server.Infrastructure;
using Keel.Server.Registry;

namespace Keel.Server.Auth;

/// <summary>
/// MLflow's auth REST API (mlflow/server/auth/routes.py), same paths, JSON and error codes, under
/// /api/2.0/mlflow/ and /ajax-api/2.0/mlflow/: users create/get/update-password/update-admin/delete,
/// and experiments/permissions and registered-models/permissions create/get/update/delete.
/// </summary>
internal static class AuthApi
{
    public static void MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapMlflowPost("users/create", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<UserRequest>().ConfigureAwait(false);
            var user = await auth.CreateUserAsync(req.Username, req.Password, isAdmin: false, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new UserResponse(new UserJson(user.Id, user.Username, user.IsAdmin, [], [])));
        });

        app.MapMlflowGet("users/get", async (HttpRequest http, AuthService auth) =>
        {
            var ct = http.HttpContext.RequestAborted;
            var user = await auth.GetUserAsync(http.Query("username"), ct).ConfigureAwait(false);
            var experiments = await auth.Store.ListExperimentPermissionsAsync(user.Id, ct).ConfigureAwait(false);
            var models = await auth.Store.ListRegisteredModelPermissionsAsync(user.Id, ct).ConfigureAwait(false);
            return Json.Ok(new UserResponse(new UserJson(
                user.Id,
                user.Username,
                user.IsAdmin,
                experiments.Select(ExperimentPermissionJson.Of).ToArray(),
                models.Select(RegisteredModelPermissionJson.Of).ToArray())));
        });

        app.MapMlflow("PATCH", "users/update-password", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<UserRequest>().ConfigureAwait(false);
            await auth.UpdatePasswordAsync(req.Username, req.Password, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflow("PATCH", "users/update-admin", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<UserRequest>().ConfigureAwait(false);
            var isAdmin = req.IsAdmin ?? throw KeelException.InvalidParameter("Missing value for required parameter 'is_admin'.");
            await auth.UpdateAdminAsync(req.Username, isAdmin, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflow("DELETE", "users/delete", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadBodyOrQueryAsync(q => new UserRequest(q.Query("username"), null, null)).ConfigureAwait(false);
            await auth.DeleteUserAsync(req.Username, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapPermissionsApi();
    }

    private static void MapPermissionsApi(this IEndpointRouteBuilder app)
    {
        app.MapMlflowPost("experiments/permissions/create", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<ExperimentPermissionRequest>().ConfigureAwait(false);
            var p = await auth.CreateExperimentPermissionAsync(req.ExperimentId, req.Username, req.Permission, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new ExperimentPermissionResponse(ExperimentPermissionJson.Of(p)));
        });

        app.MapMlflowGet("experiments/permissions/get", async (HttpRequest http, AuthService auth) =>
        {
            var p = await auth.GetExperimentPermissionAsync(http.Query("experiment_id"), http.Query("username"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new ExperimentPermissionResponse(ExperimentPermissionJson.Of(p)));
        });

        app.MapMlflow("PATCH", "experiments/permissions/update", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<ExperimentPermissionRequest>().ConfigureAwait(false);
            await auth.UpdateExperimentPermissionAsync(req.ExperimentId, req.Username, req.Permission, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflow("DELETE", "experiments/permissions/delete", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadBodyOrQueryAsync(q => new ExperimentPermissionRequest(q.Query("experiment_id"), q.Query("username"), null)).ConfigureAwait(false);
            await auth.DeleteExperimentPermissionAsync(req.ExperimentId, req.Username, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("registered-models/permissions/create", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<RegisteredModelPermissionRequest>().ConfigureAwait(false);
            var p = await auth.CreateRegisteredModelPermissionAsync(req.Name, req.Username, req.Permission, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new RegisteredModelPermissionResponse(RegisteredModelPermissionJson.Of(p)));
        });

        app.MapMlflowGet("registered-models/permissions/get", async (HttpRequest http, AuthService auth) =>
        {
            var p = await auth.GetRegisteredModelPermissionAsync(http.Query("name"), http.Query("username"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new RegisteredModelPermissionResponse(RegisteredModelPermissionJson.Of(p)));
        });

        app.MapMlflow("PATCH", "registered-models/permissions/update", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<RegisteredModelPermissionRequest>().ConfigureAwait(false);
            await auth.UpdateRegisteredModelPermissionAsync(req.Name, req.Username, req.Permission, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflow("DELETE", "registered-models/permissions/delete", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadBodyOrQueryAsync(q => new RegisteredModelPermissionRequest(q.Query("name"), q.Query("username"), null)).ConfigureAwait(false);
            await auth.DeleteRegisteredModelPermissionAsync(req.Name, req.Username, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });
    }
}
