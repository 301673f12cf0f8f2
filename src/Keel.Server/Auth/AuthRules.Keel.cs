using Keel.Core.Auth;
using static Keel.Server.Auth.Locators;

namespace Keel.Server.Auth;

internal static partial class AuthRules
{
    /// <summary>
    /// Keel's own resources: deployments (by name), served models (by serving name; their prediction
    /// log goes with them) and monitors (by the registered model they watch), each with MLflow's levels.
    /// Creating one (apply of a new name) needs a signed-in user, who then manages it, and READ on the
    /// registered model it deploys, serves or watches. Registry additions follow the registered model
    /// they name.
    /// </summary>
    private static void AddKeel(Action<string, string, AuthRule> add, Action<string, string, AuthRule> keel)
    {
        keel("GET", "registry/events", Model(Access.Read) with { Locate = Optional("name"), Describe = "name (all models: admins)" });
        keel("GET", "registry/held-at", Model(Access.Read));
        keel("POST", "registry/rollback", Model(Access.Update));
        keel("GET", "registry/lineage", Model(Access.Read));
        keel("GET", "registry/resolve", SignedIn);

        // Granting levels on Keel's resources and making their scoring tokens: MANAGE on the resource.
        foreach (var kind in ResourceKinds.All)
        {
            var grants = "auth/" + kind.ToPathSegment() + "/permissions/";
            keel("POST", grants + "create", Own(kind, Access.Manage, Field("name"), "name"));
            keel("GET", grants + "get", Own(kind, Access.Manage, Field("name"), "name"));
            keel("PATCH", grants + "update", Own(kind, Access.Manage, Field("name"), "name"));
            keel("DELETE", grants + "delete", Own(kind, Access.Manage, Field("name"), "name"));
        }

        foreach (var kind in new[] { ResourceKind.Deployment, ResourceKind.ServedModel })
        {
            var tokens = "auth/" + kind.ToPathSegment() + "/scoring-tokens/";
            foreach (var verb in new[] { "create", "revoke", "delete" })
            {
                keel("POST", tokens + verb, Own(kind, Access.Manage, Field("name"), "name"));
            }

            keel("GET", tokens + "list", Own(kind, Access.Manage, Field("name"), "name"));
        }

        AddDeployments(keel);
        AddMonitoring(keel);
        AddServing(add, keel);

        add("GET", "/metrics", SignedIn);
        add("HEAD", "/metrics", SignedIn);
        foreach (var method in new[] { "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE" })
        {
            add(method, "/metrics", SignedIn);
        }
    }

    private static void AddDeployments(Action<string, string, AuthRule> keel)
    {
        const ResourceKind D = ResourceKind.Deployment;
        var creates = Own(D, Access.Update, Nested("spec", "name"), "spec.name") with
        {
            CreateIfAbsent = true,
            Also = new AuthRule(RuleKind.RegisteredModel, Access.Read, Nested("spec", "model"), "spec.model"),
            After = AfterRequests.CreatorManages(D, Nested("spec", "name")),
        };
        keel("POST", "deployments/create", creates);
        keel("POST", "deployments/apply", creates);
        keel("POST", "deployments/delete", Own(D, Access.Delete, Field("name"), "name") with { After = AfterRequests.DropPermissions(D, Field("name")) });
        foreach (var verb in new[] { "promote", "pause", "resume", "rollback" })
        {
            keel("POST", "deployments/" + verb, Own(D, Access.Update, Field("name"), "name"));
        }

        foreach (var path in new[] { "deployments/get", "deployments/history", "deployments/report" })
        {
            keel("GET", path, Own(D, Access.Read, Field("name"), "name"));
        }

        keel("GET", "deployments/list", SignedIn with { After = AfterRequests.FilterResources(D, "deployments", "name") });
        keel("GET", "deployments/replicas/list", Own(D, Access.Read, Optional("deployment"), "deployment (all: admins)"));

        // Replicas report themselves with an admin's credentials (server to server).
        keel("POST", "deployments/replicas/register", AdminOnly);
        keel("POST", "deployments/replicas/heartbeat", AdminOnly);
        keel("POST", "deployments/replicas/scoring-tokens", AdminOnly);
    }

    private static void AddMonitoring(Action<string, string, AuthRule> keel)
    {
        const ResourceKind M = ResourceKind.Monitor;
        keel("POST", "monitoring/monitors/apply", Own(M, Access.Update, Field("model"), "model") with
        {
            CreateIfAbsent = true,
            Also = Model(Access.Read, "model"),
            After = AfterRequests.CreatorManages(M, Field("model")),
        });
        keel("POST", "monitoring/monitors/delete", Own(M, Access.Delete, Field("model"), "model") with { After = AfterRequests.DropPermissions(M, Field("model")) });
        keel("POST", "monitoring/run", Own(M, Access.Update, Optional("model"), "model (all: admins)"));
        keel("GET", "monitoring/monitors/list", SignedIn with { After = AfterRequests.FilterResources(M, "monitors", "spec.model") });
        foreach (var path in new[] { "monitors/get", "windows/list", "status", "alerts/list", "alerts/history", "summary", "report", "retraining/list" })
        {
            keel("GET", "monitoring/" + path, Own(M, Access.Read, Optional("model"), "model (all: admins)"));
        }

        // A job id comes from a list the caller could read.
        keel("GET", "monitoring/retraining/get", SignedIn);
    }

    private static void AddServing(Action<string, string, AuthRule> add, Action<string, string, AuthRule> keel)
    {
        const ResourceKind S = ResourceKind.ServedModel;
        keel("POST", "serving/models", Own(S, Access.Update, Field("name"), "name") with
        {
            CreateIfAbsent = true,
            Also = new AuthRule(RuleKind.RegisteredModel, Access.Read, ModelOfUri("model_uri"), "models:/NAME of model_uri"),
            After = AfterRequests.CreatorManages(S, Field("name")),
        });
        keel("GET", "serving/models", SignedIn with { After = AfterRequests.FilterResources(S, "models", "name") });
        keel("DELETE", "serving/models/{name}", Own(S, Access.Delete, RouteValue("name"), "route name") with { After = AfterRequests.DropPermissions(S, RouteValue("name")) });
        keel("POST", "serving/models/{name}/reload", Own(S, Access.Update, RouteValue("name"), "route name"));

        // Feedback names a request id, not a model: the handler checks EDIT on every served model or
        // deployment that logged it (AuthService.CheckFeedbackAsync), after flushing the log.
        keel("POST", "serving/feedback", SignedInWrite with { Describe = "request_id: EDIT on each served model or deployment that logged it (checked by the handler)" });
        keel("GET", "serving/predictions", Own(S, Access.Read, Field("model"), "model"));

        // Scoring reads a model: READ (a read-scoped token may score), or the resource's scoring token when it has any.
        var route = RouteValue("name");
        add("POST", "/serving/{name}/invocations", Own(S, Access.Read, route, "route name") with { Scoring = true });
        add("GET", "/serving/{name}/ping", Own(S, Access.Read, route, "route name"));
        add("POST", "/deployments/{name}/invocations", Own(ResourceKind.Deployment, Access.Read, route, "route name") with { Scoring = true });
        foreach (var prefix in new[] { "/v2/models/{name}", "/v2/models/{name}/versions/{version}" })
        {
            var either = Own(S, Access.Read, route, "route name: the served model, else the deployment") with { ServedOrDeployment = true };
            add("GET", prefix, either);
            add("GET", prefix + "/ready", either);
            add("POST", prefix + "/infer", either with { Scoring = true });
        }
    }

    private static AuthRule Own(ResourceKind kind, Access access, ResourceLocator locate, string describe) =>
        new(RuleKind.Keel, access, locate, describe) { Resource = kind };
}
