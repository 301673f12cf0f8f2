using Keel.Core.Auth;
using Keel.Server.Ui;
using static Keel.Server.Auth.Locators;

namespace Keel.Server.Auth;

internal static partial class AuthRules
{
    private static Dictionary<string, AuthRule> Build()
    {
        var t = new Dictionary<string, AuthRule>(StringComparer.Ordinal);
        void Add(string method, string path, AuthRule rule) => t.Add(method + " " + path, rule);
        void Mlflow(string method, string path, AuthRule rule) => Add(method, AuthRules.Mlflow + path, rule);
        void Keel(string method, string path, AuthRule rule) => Add(method, AuthRules.Keel + path, rule);

        // Side endpoints a load balancer or a browser reaches without credentials; the UI's files
        // (the UI then calls the API, which asks for credentials).
        foreach (var path in new[] { "/health", "/version", "/v2/health/live", "/v2/health/ready", "/v2", "/" })
        {
            Add("GET", path, Public);
        }

        foreach (var path in UiAssets.Load().Files.Keys)
        {
            Add("GET", "/ui/" + path, Public);
        }

        AddTracking(Mlflow);
        AddArtifacts(Add);
        AddRegistry(Mlflow);
        AddAuth(Mlflow, Keel);
        AddKeel(Add, Keel);
        AddApprovals(Keel);
        return t;
    }

    private static void AddTracking(Action<string, string, AuthRule> mlflow)
    {
        var id = Field("experiment_id");
        var run = ExperimentOfRun();
        mlflow("POST", "experiments/create", SignedInWrite with { After = AfterRequests.CreatorManagesExperiment });
        mlflow("GET", "experiments/get", Exp(Access.Read, id, "experiment_id"));
        mlflow("GET", "experiments/get-by-name", Exp(Access.Read, ExperimentByName("experiment_name"), "experiment_name"));
        mlflow("GET", "experiments/search", SignedIn with { After = AfterRequests.FilterExperiments });
        mlflow("POST", "experiments/search", SignedIn with { After = AfterRequests.FilterExperiments });
        mlflow("POST", "experiments/update", Exp(Access.Update, id, "experiment_id"));
        mlflow("POST", "experiments/delete", Exp(Access.Delete, id, "experiment_id"));
        mlflow("POST", "experiments/restore", Exp(Access.Delete, id, "experiment_id"));
        mlflow("POST", "experiments/set-experiment-tag", Exp(Access.Update, id, "experiment_id"));
        mlflow("POST", "experiments/delete-experiment-tag", Exp(Access.Update, id, "experiment_id"));

        mlflow("POST", "runs/create", Exp(Access.Update, id, "experiment_id"));
        mlflow("GET", "runs/get", Exp(Access.Read, run, "run_id → its experiment"));
        foreach (var path in new[] { "runs/update", "runs/log-metric", "runs/log-parameter", "runs/set-tag", "runs/delete-tag", "runs/log-batch", "runs/log-inputs", "runs/log-model" })
        {
            mlflow("POST", path, Exp(Access.Update, run, "run_id → its experiment"));
        }

        mlflow("POST", "runs/delete", Exp(Access.Delete, run, "run_id → its experiment"));
        mlflow("POST", "runs/restore", Exp(Access.Delete, run, "run_id → its experiment"));
        mlflow("POST", "runs/search", SignedIn with { After = AfterRequests.FilterRuns });
        mlflow("GET", "metrics/get-history", Exp(Access.Read, run, "run_id → its experiment"));
        mlflow("GET", "artifacts/list", Exp(Access.Read, run, "run_id → its experiment"));
    }

    private static void AddArtifacts(Action<string, string, AuthRule> add)
    {
        const string Root = Artifacts + "artifacts";
        const string Where = "first segment of the artifact path";
        add("GET", Root, Exp(Access.Read, ArtifactPath(fromQuery: true), "first segment of `path` (the root: admins)"));
        add("GET", Root + "/{**path}", Exp(Access.Read, ArtifactPath(fromQuery: false), Where));
        add("HEAD", Root + "/{**path}", Exp(Access.Read, ArtifactPath(fromQuery: false), Where));
        add("PUT", Root + "/{**path}", Exp(Access.Update, ArtifactPath(fromQuery: false), Where));
        add("DELETE", Root + "/{**path}", Exp(Access.Delete, ArtifactPath(fromQuery: false), Where));

        // Answered 405 / "multipart not supported" whoever asks; signed-in users only.
        add("POST", Root + "/{**path}", SignedIn);
        add("PATCH", Root + "/{**path}", SignedIn);
        foreach (var step in new[] { "create", "complete", "abort" })
        {
            add("POST", Artifacts + "mpu/" + step + "/{**path}", SignedIn);
        }
    }

    private static void AddRegistry(Action<string, string, AuthRule> mlflow)
    {
        mlflow("POST", "registered-models/create", SignedInWrite with { After = AfterRequests.CreatorManagesModel });
        mlflow("GET", "registered-models/get", Model(Access.Read));
        mlflow("POST", "registered-models/rename", Model(Access.Update) with { After = AfterRequests.RenameModelPermissions });
        mlflow("PATCH", "registered-models/update", Model(Access.Update));
        mlflow("DELETE", "registered-models/delete", Model(Access.Delete) with { After = AfterRequests.DropModelPermissions });
        mlflow("GET", "registered-models/search", SignedIn with { After = AfterRequests.FilterModels });
        mlflow("POST", "registered-models/get-latest-versions", Model(Access.Read));
        mlflow("GET", "registered-models/get-latest-versions", Model(Access.Read));
        mlflow("POST", "registered-models/set-tag", Model(Access.Update));
        mlflow("DELETE", "registered-models/delete-tag", Model(Access.Update));
        mlflow("POST", "registered-models/alias", Model(Access.Update));
        mlflow("DELETE", "registered-models/alias", Model(Access.Delete));
        mlflow("GET", "registered-models/alias", Model(Access.Read));
        mlflow("POST", "model-versions/create", Model(Access.Update));
        mlflow("GET", "model-versions/get", Model(Access.Read));
        mlflow("PATCH", "model-versions/update", Model(Access.Update));
        mlflow("DELETE", "model-versions/delete", Model(Access.Delete));
        mlflow("GET", "model-versions/search", SignedIn with { After = AfterRequests.FilterModelVersions });
        mlflow("POST", "model-versions/transition-stage", Model(Access.Update));
        mlflow("POST", "model-versions/set-tag", Model(Access.Update));
        mlflow("DELETE", "model-versions/delete-tag", Model(Access.Update));
        mlflow("GET", "model-versions/get-download-uri", Model(Access.Read));
    }

    private static void AddAuth(Action<string, string, AuthRule> mlflow, Action<string, string, AuthRule> keel)
    {
        mlflow("POST", "users/create", AdminOnly);
        mlflow("GET", "users/get", new AuthRule(RuleKind.Self, Access.Read, Describe: "username"));
        mlflow("PATCH", "users/update-password", new AuthRule(RuleKind.Self, Access.Update, Describe: "username"));
        mlflow("PATCH", "users/update-admin", AdminOnly);
        mlflow("DELETE", "users/delete", AdminOnly);
        foreach (var (method, verb) in new[] { ("POST", "create"), ("GET", "get"), ("PATCH", "update"), ("DELETE", "delete") })
        {
            mlflow(method, "experiments/permissions/" + verb, Exp(Access.Manage, Field("experiment_id"), "experiment_id"));
            mlflow(method, "registered-models/permissions/" + verb, Model(Access.Manage));
        }

        keel("POST", "auth/tokens/create", SignedInWrite);
        keel("GET", "auth/tokens/list", SignedIn);
        keel("POST", "auth/tokens/revoke", SignedInWrite);
        keel("POST", "auth/setup", Public);
    }
}
