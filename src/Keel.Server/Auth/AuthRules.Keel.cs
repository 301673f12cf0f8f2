using Keel.Core.Auth;
using static Keel.Server.Auth.Locators;

namespace Keel.Server.Auth;

internal static partial class AuthRules
{
    /// <summary>
    /// Keel's own resources (deployments, monitoring, serving, the prediction log) have no resource
    /// kind of their own yet: reads and scoring need a signed-in user, changes need an admin.
    /// Registry additions follow the registered model they name.
    /// </summary>
    private static void AddKeel(Action<string, string, AuthRule> add, Action<string, string, AuthRule> keel)
    {
        keel("GET", "registry/events", Model(Access.Read) with { Locate = Optional("name"), Describe = "name (all models: admins)" });
        keel("GET", "registry/held-at", Model(Access.Read));
        keel("POST", "registry/rollback", Model(Access.Update));
        keel("GET", "registry/lineage", Model(Access.Read));
        keel("GET", "registry/resolve", SignedIn);

        foreach (var verb in new[] { "create", "apply", "delete", "promote", "pause", "resume", "rollback" })
        {
            keel("POST", "deployments/" + verb, AdminOnly);
        }

        foreach (var path in new[] { "deployments/get", "deployments/list", "deployments/history", "deployments/report", "deployments/replicas/list" })
        {
            keel("GET", path, SignedIn);
        }

        keel("POST", "deployments/replicas/register", AdminOnly);
        keel("POST", "deployments/replicas/heartbeat", AdminOnly);

        keel("POST", "monitoring/monitors/apply", AdminOnly);
        keel("POST", "monitoring/monitors/delete", AdminOnly);
        keel("POST", "monitoring/run", AdminOnly);
        foreach (var path in new[] { "monitors/get", "monitors/list", "windows/list", "status", "alerts/list", "alerts/history", "summary", "report", "retraining/list", "retraining/get" })
        {
            keel("GET", "monitoring/" + path, SignedIn);
        }

        keel("POST", "serving/models", AdminOnly);
        keel("GET", "serving/models", SignedIn);
        keel("DELETE", "serving/models/{name}", AdminOnly);
        keel("POST", "serving/models/{name}/reload", AdminOnly);
        keel("POST", "serving/feedback", SignedInWrite);
        keel("GET", "serving/predictions", SignedIn);

        // Scoring reads a model: a read-scoped token may score.
        add("POST", "/serving/{name}/invocations", SignedIn);
        add("GET", "/serving/{name}/ping", SignedIn);
        add("POST", "/deployments/{name}/invocations", SignedIn);
        foreach (var prefix in new[] { "/v2/models/{name}", "/v2/models/{name}/versions/{version}" })
        {
            add("GET", prefix, SignedIn);
            add("GET", prefix + "/ready", SignedIn);
            add("POST", prefix + "/infer", SignedIn);
        }

        add("GET", "/metrics", SignedIn);
        add("HEAD", "/metrics", SignedIn);
        foreach (var method in new[] { "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE" })
        {
            add(method, "/metrics", SignedIn);
        }
    }
}
