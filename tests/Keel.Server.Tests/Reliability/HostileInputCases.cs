namespace Keel.Server.Tests.Reliability;

/// <summary>
/// One hostile request and the answer it must get. <see cref="Body"/> is JSON (or CSV) text in
/// which <c>{exp}</c>, <c>{run}</c>, <c>{model}</c>, <c>{tagless}</c> and <c>{rid}</c> name the
/// fixture's entities and <c>&lt;FF&gt;</c> stands for the byte 0xFF (invalid UTF-8).
/// <see cref="ErrorCode"/> null means the Open Inference Protocol's <c>{"error": ...}</c> body.
/// </summary>
public sealed record HostileCase(
    HostileTarget Target,
    string Method,
    string Path,
    string? Body,
    string? ContentType,
    int Status,
    string? ErrorCode,
    string Mentions,
    string? User = null);

/// <summary>The table: every endpoint that takes input, on both hosts, with each hostile payload. Cover a new endpoint by adding rows.</summary>
public static class HostileInputCases
{
    private const string Json = "application/json";
    private const string Invalid = "INVALID_PARAMETER_VALUE";
    private const string BadRequest = "BAD_REQUEST";
    private const string Lone = "\\ud800"; // A JSON escape of a lone high surrogate.
    private const string Mlflow = "/api/2.0/mlflow/";
    private const string Keel = "/api/2.0/keel/";

    public static IReadOnlyDictionary<string, HostileCase> All { get; } = Build();

    public static TheoryData<string> Names => new(All.Keys);

    private static Dictionary<string, HostileCase> Build()
    {
        var cases = new Dictionary<string, HostileCase>(StringComparer.Ordinal);
        void Add(string name, HostileCase c) => cases.Add(name, c);
        void Post(string name, string path, string? body, int status, string? code, string mentions, string? contentType = Json, HostileTarget target = HostileTarget.Main, string method = "POST", string? user = null) =>
            Add(name, new HostileCase(target, method, path, body, contentType, status, code, mentions, user));
        static string Long(int n) => new('a', n);

        // MLflow tracking.
        Post("experiments/create: lone surrogate in name", Mlflow + "experiments/create", $$"""{"name": "a{{Lone}}"}""", 400, Invalid, "'name' is not valid Unicode");
        Post("experiments/create: invalid UTF-8 in name", Mlflow + "experiments/create", """{"name": "a<FF>"}""", 400, Invalid, "'name' is not valid Unicode");
        Post("experiments/create: NUL in name", Mlflow + "experiments/create", """{"name": "a\u0000b"}""", 400, Invalid, "control characters");
        Post("experiments/create: CR LF in name", Mlflow + "experiments/create", """{"name": "a\r\nb"}""", 400, Invalid, "control characters");
        Post("experiments/create: artifact_location over the limit", Mlflow + "experiments/create", $$"""{"name": "long-location", "artifact_location": "{{Long(2049)}}"}""", 400, Invalid, "Keel:Limits:MaxArtifactLocationLength");
        Post("experiments/create: text/plain", Mlflow + "experiments/create", """{"name": "plain"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("experiments/create: form body", Mlflow + "experiments/create", "name=form", 400, Invalid, "Content-Type", "application/x-www-form-urlencoded");
        Post("experiments/update: lone surrogate in new_name", Mlflow + "experiments/update", $$"""{"experiment_id": "{exp}", "new_name": "x{{Lone}}"}""", 400, Invalid, "'new_name' is not valid Unicode");
        Post("experiments/set-experiment-tag: lone surrogate in value", Mlflow + "experiments/set-experiment-tag", $$"""{"experiment_id": "{exp}", "key": "k", "value": "{{Lone}}"}""", 400, Invalid, "'value' is not valid Unicode");
        Post("runs/create: user_id over the limit", Mlflow + "runs/create", $$"""{"experiment_id": "{exp}", "user_id": "{{Long(257)}}"}""", 400, Invalid, "Keel:Limits:MaxUserIdLength");
        Post("runs/create: CR LF in user_id", Mlflow + "runs/create", """{"experiment_id": "{exp}", "user_id": "a\nb"}""", 400, Invalid, "'user_id' must not contain control characters");
        Post("runs/update: lone surrogate in run_name", Mlflow + "runs/update", $$"""{"run_id": "{run}", "run_name": "{{Lone}}"}""", 400, Invalid, "'run_name' is not valid Unicode");
        Post("runs/set-tag: lone surrogate in value", Mlflow + "runs/set-tag", $$"""{"run_id": "{run}", "key": "k", "value": "{{Lone}}"}""", 400, Invalid, "'value' is not valid Unicode");
        Post("runs/log-parameter: invalid UTF-8 in key", Mlflow + "runs/log-parameter", """{"run_id": "{run}", "key": "<FF>", "value": "1"}""", 400, Invalid, "'key' is not valid Unicode");
        Post("runs/log-batch: lone surrogate in a param value", Mlflow + "runs/log-batch", $$"""{"run_id": "{run}", "params": [{"key": "p", "value": "{{Lone}}"}]}""", 400, Invalid, "'params[0].value' is not valid Unicode");

        // The rest of MLflow's tracking endpoints (found by EveryMappedEndpointTakingInput_HasRowsOrIsCoveredElsewhere).
        Post("experiments/search: lone surrogate in filter", Mlflow + "experiments/search", $$"""{"filter": "name = '{{Lone}}'"}""", 400, Invalid, "'filter' is not valid Unicode");
        Post("experiments/delete: text/plain", Mlflow + "experiments/delete", """{"experiment_id": "{exp}"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("experiments/restore: form body", Mlflow + "experiments/restore", "experiment_id=1", 400, Invalid, "Content-Type", "application/x-www-form-urlencoded");
        Post("experiments/delete-experiment-tag: lone surrogate in key", Mlflow + "experiments/delete-experiment-tag", $$"""{"experiment_id": "{exp}", "key": "{{Lone}}"}""", 400, Invalid, "'key' is not valid Unicode");
        Post("runs/delete: text/plain", Mlflow + "runs/delete", """{"run_id": "{run}"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("runs/restore: no content type", Mlflow + "runs/restore", """{"run_id": "{run}"}""", 400, Invalid, "Content-Type", null);
        Post("runs/log-metric: lone surrogate in key", Mlflow + "runs/log-metric", $$"""{"run_id": "{run}", "key": "m{{Lone}}", "value": 1, "timestamp": 1}""", 400, Invalid, "'key' is not valid Unicode");
        Post("runs/delete-tag: lone surrogate in key", Mlflow + "runs/delete-tag", $$"""{"run_id": "{run}", "key": "{{Lone}}"}""", 400, Invalid, "'key' is not valid Unicode");
        Post("runs/log-inputs: lone surrogate in a dataset name", Mlflow + "runs/log-inputs", $$$"""{"run_id": "{run}", "datasets": [{"dataset": {"name": "d{{{Lone}}}", "digest": "abc", "source_type": "local", "source": "{}"}}]}""", 400, Invalid, "is not valid Unicode");
        Post("runs/log-model: lone surrogate in model_json", Mlflow + "runs/log-model", $$$"""{"run_id": "{run}", "model_json": "{\"artifact_path\": \"{{{Lone}}}\"}"}""", 400, Invalid, "'model_json' is not valid Unicode");
        Post("runs/search: lone surrogate in filter", Mlflow + "runs/search", $$"""{"experiment_ids": ["{exp}"], "filter": "tags.t = '{{Lone}}'"}""", 400, Invalid, "'filter' is not valid Unicode");

        // MLflow model registry.
        foreach (var name in new[] { "a?b", "a#b", "a@b", ".", "..", "  " })
        {
            Post($"registered-models/create: unusable name '{name}'", Mlflow + "registered-models/create", $$"""{"name": "{{name}}"}""", 400, Invalid, "Invalid registered model name");
        }

        Post("registered-models/create: lone surrogate in name", Mlflow + "registered-models/create", $$"""{"name": "m{{Lone}}"}""", 400, Invalid, "'name' is not valid Unicode");
        Post("registered-models/create: description over the limit", Mlflow + "registered-models/create", $$"""{"name": "long-description", "description": "{{Long(5001)}}"}""", 400, Invalid, "Keel:Limits:MaxDescriptionLength");
        Post("registered-models/create: lone surrogate in a tag value", Mlflow + "registered-models/create", $$"""{"name": "tagged", "tags": [{"key": "k", "value": "{{Lone}}"}]}""", 400, Invalid, "'tags[0].value' is not valid Unicode");
        Post("registered-models/create: more tags than the limit", Mlflow + "registered-models/create", """{"name": "many-tags", "tags": [{"key": "a", "value": "1"}, {"key": "b", "value": "1"}, {"key": "c", "value": "1"}, {"key": "d", "value": "1"}, {"key": "e", "value": "1"}]}""", 400, Invalid, "Keel:Limits:MaxTagsPerEntity");
        Post("registered-models/create: text/plain", Mlflow + "registered-models/create", """{"name": "plain"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("registered-models/create: user header over the limit", Mlflow + "registered-models/create", """{"name": "long-user"}""", 400, Invalid, "Keel:Limits:MaxUserIdLength", user: Long(257));
        Post("registered-models/rename: unusable new_name", Mlflow + "registered-models/rename", """{"name": "{model}", "new_name": "x@y"}""", 400, Invalid, "Invalid registered model name");
        Post("registered-models/update: description over the limit", Mlflow + "registered-models/update", $$"""{"name": "{model}", "description": "{{Long(5001)}}"}""", 400, Invalid, "Keel:Limits:MaxDescriptionLength", method: "PATCH");
        Post("registered-models/set-tag: lone surrogate in value", Mlflow + "registered-models/set-tag", $$"""{"name": "{model}", "key": "k", "value": "{{Lone}}"}""", 400, Invalid, "'value' is not valid Unicode");
        Post("registered-models/set-tag: one tag over the limit", Mlflow + "registered-models/set-tag", """{"name": "{model}", "key": "one-more", "value": "v"}""", 400, Invalid, "Keel:Limits:MaxTagsPerEntity");
        Post("registered-models/delete: text/plain body", Mlflow + "registered-models/delete", """{"name": "{tagless}"}""", 400, Invalid, "Content-Type", "text/plain", method: "DELETE");
        Post("registered-models/alias: lone surrogate in comment", Mlflow + "registered-models/alias", $$"""{"name": "{model}", "alias": "champion", "version": "1", "comment": "{{Lone}}"}""", 400, Invalid, "'comment' is not valid Unicode");
        Post("model-versions/create: run_link over the limit", Mlflow + "model-versions/create", $$"""{"name": "{model}", "source": "mlflow-artifacts:/x", "run_link": "{{Long(501)}}"}""", 400, Invalid, "Keel:Limits:MaxRunLinkLength");
        Post("model-versions/create: description over the limit", Mlflow + "model-versions/create", $$"""{"name": "{model}", "source": "mlflow-artifacts:/x", "description": "{{Long(5001)}}"}""", 400, Invalid, "Keel:Limits:MaxDescriptionLength");
        Post("model-versions/create: more tags than the limit", Mlflow + "model-versions/create", """{"name": "{tagless}", "source": "mlflow-artifacts:/x", "tags": [{"key": "a", "value": "1"}, {"key": "b", "value": "1"}, {"key": "c", "value": "1"}, {"key": "d", "value": "1"}, {"key": "e", "value": "1"}]}""", 400, Invalid, "Keel:Limits:MaxTagsPerEntity");
        Post("model-versions/update: lone surrogate in description", Mlflow + "model-versions/update", $$"""{"name": "{model}", "version": "1", "description": "{{Lone}}"}""", 400, Invalid, "'description' is not valid Unicode", method: "PATCH");
        Post("model-versions/set-tag: lone surrogate in key", Mlflow + "model-versions/set-tag", $$"""{"name": "{model}", "version": "1", "key": "{{Lone}}", "value": "v"}""", 400, Invalid, "'key' is not valid Unicode");
        Post("model-versions/transition-stage: comment over the limit", Mlflow + "model-versions/transition-stage", $$"""{"name": "{model}", "version": "1", "stage": "Staging", "comment": "{{Long(5001)}}"}""", 400, Invalid, "Keel:Limits:MaxCommentLength");

        Post("registered-models/get-latest-versions: lone surrogate in name", Mlflow + "registered-models/get-latest-versions", $$"""{"name": "m{{Lone}}"}""", 400, Invalid, "'name' is not valid Unicode");
        Post("registered-models/delete-tag: lone surrogate in key", Mlflow + "registered-models/delete-tag", $$"""{"name": "{model}", "key": "{{Lone}}"}""", 400, Invalid, "'key' is not valid Unicode", method: "DELETE");
        Post("registered-models/alias: DELETE with a lone surrogate in alias", Mlflow + "registered-models/alias", $$"""{"name": "{model}", "alias": "a{{Lone}}"}""", 400, Invalid, "'alias' is not valid Unicode", method: "DELETE");
        Post("model-versions/delete: text/plain", Mlflow + "model-versions/delete", """{"name": "{model}", "version": "1"}""", 400, Invalid, "Content-Type", "text/plain", method: "DELETE");
        Post("model-versions/delete-tag: lone surrogate in key", Mlflow + "model-versions/delete-tag", $$"""{"name": "{model}", "version": "1", "key": "{{Lone}}"}""", 400, Invalid, "'key' is not valid Unicode", method: "DELETE");

        // Keel's registry additions.
        Post("keel/registry/rollback: text/plain", Keel + "registry/rollback", """{"name": "{model}", "stage": "Staging"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("keel/registry/rollback: lone surrogate in comment", Keel + "registry/rollback", $$"""{"name": "{model}", "stage": "Staging", "comment": "{{Lone}}"}""", 400, Invalid, "'comment' is not valid Unicode");

        // Keel's approvals.
        const string Approvals = Keel + "approvals/";
        Post("keel/approvals/policy/set: zero approvals", Approvals + "policy/set", """{"name": "{model}", "required_approvals": 0}""", 400, Invalid, "'required_approvals' must be 1 to 10");
        Post("keel/approvals/policy/set: lifetime not a number", Approvals + "policy/set", """{"name": "{model}", "lifetime_seconds": "NaN"}""", 400, Invalid, "lifetime_seconds");
        Post("keel/approvals/policy/set: text/plain", Approvals + "policy/set", """{"name": "{model}"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("keel/approvals/policy/delete: lone surrogate in name", Approvals + "policy/delete", $$"""{"name": "m{{Lone}}"}""", 400, Invalid, "'name' is not valid Unicode");
        Post("keel/approvals/requests/create: target not into production", Approvals + "requests/create", """{"name": "{model}", "version": "1", "target": "stage:Staging"}""", 400, Invalid, "only moves into production need approval");
        Post("keel/approvals/requests/create: reason over the limit", Approvals + "requests/create", $$"""{"name": "{model}", "version": "1", "target": "alias:champion", "reason": "{{Long(5001)}}"}""", 400, Invalid, "Keel:Limits:MaxCommentLength");
        Post("keel/approvals/requests/create: form body", Approvals + "requests/create", "name=m", 400, Invalid, "Content-Type", "application/x-www-form-urlencoded");
        Post("keel/approvals/requests/approve: id not a number", Approvals + "requests/approve", """{"name": "{model}", "id": "x"}""", 400, Invalid, "'id'");
        Post("keel/approvals/requests/reject: no id", Approvals + "requests/reject", """{"name": "{model}"}""", 400, Invalid, "'id'");
        Post("keel/approvals/requests/cancel: lone surrogate in comment", Approvals + "requests/cancel", $$"""{"name": "{model}", "id": 1, "comment": "{{Lone}}"}""", 400, Invalid, "'comment' is not valid Unicode");
        Post("keel/approvals/requests/get: id not a number", Approvals + "requests/get?name={model}&id=-1", null, 400, Invalid, "'id'", null, method: "GET");
        Post("keel/approvals/requests/list: unknown state", Approvals + "requests/list?name={model}&state=done", null, 400, Invalid, "'state'", null, method: "GET");

        // Keel's deployments.
        const string Deploy = Keel + "deployments/";
        Post("keel/deployments/create: lone surrogate in spec name", Deploy + "create", $$$"""{"spec": {"name": "d{{{Lone}}}", "model": "{model}", "version": "1", "steps": [{"set_weight": 5}]}}""", 400, Invalid, "'spec.name' is not valid Unicode");
        Post("keel/deployments/create: weight over 100", Deploy + "create", """{"spec": {"name": "hostile-weight", "model": "{model}", "version": "1", "steps": [{"set_weight": 101}]}}""", 400, Invalid, "a weight is a percentage from 0 to 100");
        Post("keel/deployments/create: text/plain", Deploy + "create", """{"spec": {"name": "plain", "model": "{model}", "version": "1"}}""", 400, Invalid, "Content-Type", "text/plain");
        Post("keel/deployments/create: comment over the limit", Deploy + "create", $$$"""{"spec": {"name": "long-comment", "model": "{model}", "version": "1", "steps": [{"set_weight": 5}]}, "comment": "{{{Long(5001)}}}"}""", 400, Invalid, "Keel:Limits:MaxCommentLength");
        Post("keel/deployments/apply: unusable name", Deploy + "apply", """{"spec": {"name": "a/b", "model": "{model}", "version": "1", "steps": [{"set_weight": 5}]}}""", 400, Invalid, "Invalid serving name");
        Post("keel/deployments/apply: NaN threshold", Deploy + "apply", """{"spec": {"name": "nan", "model": "{model}", "version": "1", "steps": [{"set_weight": 5}], "gates": {"error_rate": {"max_increase": "NaN"}}}}""", 400, Invalid, "gates.error_rate.max_increase");
        Post("keel/deployments/apply: check data a local path", Deploy + "apply", """{"spec": {"name": "bg-local", "model": "{model}", "version": "1", "strategy": "blue_green", "checks": {"data": "/etc/passwd"}}}""", 400, Invalid, "the server reads only its artifact store");
        Post("keel/deployments/apply: check data escaping the store", Deploy + "apply", """{"spec": {"name": "bg-escape", "model": "{model}", "version": "1", "strategy": "blue_green", "checks": {"data": "mlflow-artifacts:/%2e%2e/secret.csv"}}}""", 400, Invalid, "Invalid data location");
        Post("keel/deployments/apply: check threshold not a number", Deploy + "apply", """{"spec": {"name": "bg-nan", "model": "{model}", "version": "1", "strategy": "blue_green", "checks": {"data": "runs:/r/d.csv", "thresholds": {"roc_auc": "NaN"}}}}""", 400, Invalid, "checks.thresholds");
        Post("keel/deployments/apply: unknown check field", Deploy + "apply", """{"spec": {"name": "bg-extra", "model": "{model}", "version": "1", "strategy": "blue_green", "checks": {"data": "runs:/r/d.csv", "path": "/etc/passwd"}}}""", 400, Invalid, "path");
        Post("keel/deployments/apply: form body", Deploy + "apply", "spec=1", 400, Invalid, "Content-Type", "application/x-www-form-urlencoded");
        Post("keel/deployments/apply: user header over the limit", Deploy + "apply", """{"spec": {"name": "long-user", "model": "{model}", "version": "1", "steps": [{"set_weight": 5}]}}""", 400, Invalid, "Keel:Limits:MaxUserIdLength", user: Long(257));
        Post("keel/deployments/promote: lone surrogate in name", Deploy + "promote", $$"""{"name": "d{{Lone}}"}""", 400, Invalid, "'name' is not valid Unicode");
        Post("keel/deployments/promote: no content type", Deploy + "promote", """{"name": "d"}""", 400, Invalid, "Content-Type", null);
        Post("keel/deployments/pause: CR LF in name", Deploy + "pause", """{"name": "a\r\nb"}""", 400, Invalid, "control characters");
        Post("keel/deployments/resume: text/plain", Deploy + "resume", """{"name": "d"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("keel/deployments/rollback: evidence not an object", Deploy + "rollback", """{"name": "{model}-hostile", "evidence": [1, 2]}""", 400, Invalid, "'evidence' must be a JSON object");
        Post("keel/deployments/delete: lone surrogate in name", Deploy + "delete", $$"""{"name": "d{{Lone}}"}""", 400, Invalid, "'name' is not valid Unicode");
        Post("keel/deployments/delete: unusable name", Deploy + "delete", """{"name": "../x"}""", 400, Invalid, "Invalid serving name");
        Post("keel/deployments/delete: text/plain", Deploy + "delete", """{"name": "d"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("keel/deployments/rollback: lone surrogate in comment", Deploy + "rollback", $$"""{"name": "d", "comment": "{{Lone}}"}""", 400, Invalid, "'comment' is not valid Unicode");
        Post("keel/deployments/replicas/register: lone surrogate in detail", Deploy + "replicas/register", $$"""{"deployment": "d", "replica_id": "r1", "address": "http://127.0.0.1:5101", "detail": "{{Lone}}"}""", 400, Invalid, "'detail' is not valid Unicode");
        Post("keel/deployments/replicas/register: address not a URL", Deploy + "replicas/register", """{"deployment": "d", "replica_id": "r1", "address": "not a url"}""", 400, Invalid, "expected an absolute http(s) URL");
        Post("keel/deployments/replicas/register: replica_id with a slash", Deploy + "replicas/register", """{"deployment": "d", "replica_id": "a/b", "address": "http://127.0.0.1:5101"}""", 400, Invalid, "Invalid serving name");
        Post("keel/deployments/replicas/register: detail over the limit", Deploy + "replicas/register", $$$"""{"deployment": "d", "replica_id": "r1", "address": "http://127.0.0.1:5101", "detail": "{{{Long(4097)}}}"}""", 400, Invalid, "'detail'");
        Post("keel/deployments/replicas/register: text/plain", Deploy + "replicas/register", """{"deployment": "d", "replica_id": "r1", "address": "http://127.0.0.1:5101"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("keel/deployments/replicas/heartbeat: CR LF in address", Deploy + "replicas/heartbeat", """{"deployment": "d", "replica_id": "r1", "address": "http://a\r\nb"}""", 400, Invalid, "control characters");
        Post("keel/deployments/replicas/heartbeat: version not a number", Deploy + "replicas/heartbeat", """{"deployment": "d", "replica_id": "r1", "address": "http://127.0.0.1:5101", "served_version": "latest"}""", 400, Invalid, "a model version is a positive whole number");
        Post("keel/deployments/replicas/heartbeat: form body", Deploy + "replicas/heartbeat", "deployment=d", 400, Invalid, "Content-Type", "application/x-www-form-urlencoded");
        Post("keel/deployments/replicas/scoring-tokens: no deployment", Deploy + "replicas/scoring-tokens", """{"used": []}""", 400, Invalid, "'deployment'");
        Post("keel/deployments/replicas/scoring-tokens: a use without an id", Deploy + "replicas/scoring-tokens", """{"deployment": "d", "used": [{"at": 5}]}""", 400, Invalid, "'used.id'");
        Post("keel/deployments/replicas/scoring-tokens: a use at time 0", Deploy + "replicas/scoring-tokens", """{"deployment": "d", "used": [{"id": "t1", "at": 0}]}""", 400, Invalid, "'used.at'");
        Post("keel/deployments/replicas/scoring-tokens: too many uses", Deploy + "replicas/scoring-tokens", "{\"deployment\": \"d\", \"used\": [" + string.Join(',', Enumerable.Repeat("{\"id\": \"t\", \"at\": 5}", 1001)) + "]}", 400, Invalid, "At most 1000");
        Post("keel/deployments/replicas/scoring-tokens: lone surrogate in deployment", Deploy + "replicas/scoring-tokens", $$"""{"deployment": "d{{Lone}}"}""", 400, Invalid, "'deployment'");
        Post("keel/deployments/replicas/scoring-tokens: used not an array", Deploy + "replicas/scoring-tokens", """{"deployment": "d", "used": 5}""", 400, Invalid, "used");
        Post("keel/deployments/replicas/scoring-tokens: at not a number", Deploy + "replicas/scoring-tokens", """{"deployment": "d", "used": [{"id": "t1", "at": "soon"}]}""", 400, Invalid, "at");
        Post("keel/deployments/replicas/scoring-tokens: truncated JSON", Deploy + "replicas/scoring-tokens", """{"deployment": """, 400, Invalid, "JSON");
        Post("keel/deployments/replicas/scoring-tokens: text/plain", Deploy + "replicas/scoring-tokens", """{"deployment": "d"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("keel/deployments/report: from not an integer", Deploy + "report?name=d&from=yesterday", null, 400, Invalid, "expected an integer", null, method: "GET");
        Post("keel/deployments/report: to before from", Deploy + "report?name=d&from=10&to=5", null, 400, Invalid, "is before from", null, method: "GET");
        Post("keel/deployments/report: unusable name", Deploy + "report?name=a%2Fb", null, 400, Invalid, "Invalid serving name", null, method: "GET");
        Post("keel/deployments/report: CR LF in name", Deploy + "report?name=a%0D%0Ab", null, 400, Invalid, "name", null, method: "GET");
        Post("keel/deployments/report: no name", Deploy + "report", null, 400, Invalid, "name", null, method: "GET");

        // Keel's monitoring.
        const string Monitor = Keel + "monitoring/";
        Post("keel/monitoring/monitors/apply: lone surrogate in a rule name", Monitor + "monitors/apply", $$"""{"model": "{model}", "rules": [{"name": "r{{Lone}}", "kind": "no_traffic"}]}""", 400, Invalid, "'rules[0].name' is not valid Unicode");
        Post("keel/monitoring/monitors/apply: CR LF in a rule name", Monitor + "monitors/apply", """{"model": "{model}", "rules": [{"name": "a\r\nb", "kind": "no_traffic"}]}""", 400, Invalid, "'rules[0].name' must not contain control characters");
        Post("keel/monitoring/monitors/apply: unusable model name", Monitor + "monitors/apply", """{"model": "a/b"}""", 400, Invalid, "Invalid registered model name");
        Post("keel/monitoring/monitors/apply: NaN threshold", Monitor + "monitors/apply", """{"model": "{model}", "rules": [{"name": "drift", "kind": "drifted_share", "threshold": "NaN"}]}""", 400, Invalid, "'rules[0].threshold' must be a finite number");
        Post("keel/monitoring/monitors/apply: interval of zero", Monitor + "monitors/apply", """{"model": "{model}", "interval_seconds": 0}""", 400, Invalid, "'interval_seconds' must be between 1");
        Post("keel/monitoring/monitors/apply: webhook to a file URL", Monitor + "monitors/apply", """{"model": "{model}", "notifiers": [{"kind": "webhook", "url": "file:///etc/passwd"}]}""", 400, Invalid, "'notifiers[0].url' must be an absolute http(s) URL");
        Post("keel/monitoring/monitors/apply: unknown field", Monitor + "monitors/apply", """{"model": "{model}", "path": "/etc/passwd"}""", 400, Invalid, "path");
        Post("keel/monitoring/monitors/apply: user header over the limit", Monitor + "monitors/apply", """{"model": "{model}"}""", 400, Invalid, "Keel:Limits:MaxUserIdLength", user: Long(257));
        Post("keel/monitoring/monitors/apply: text/plain", Monitor + "monitors/apply", """{"model": "{model}"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("keel/monitoring/monitors/apply: form body", Monitor + "monitors/apply", "model=m", 400, Invalid, "Content-Type", "application/x-www-form-urlencoded");
        Post("keel/monitoring/monitors/delete: lone surrogate in model", Monitor + "monitors/delete", $$"""{"model": "m{{Lone}}"}""", 400, Invalid, "'model' is not valid Unicode");
        Post("keel/monitoring/monitors/delete: unusable model name", Monitor + "monitors/delete", """{"model": "../x"}""", 400, Invalid, "Invalid registered model name");
        Post("keel/monitoring/monitors/delete: no content type", Monitor + "monitors/delete", """{"model": "{model}"}""", 400, Invalid, "Content-Type", null);
        Post("keel/monitoring/run: no model", Monitor + "run", "{}", 400, Invalid, "Missing value for required parameter 'model'");
        Post("keel/monitoring/run: negative window end", Monitor + "run", """{"model": "{model}", "window_end_ms": -1}""", 400, Invalid, "'window_end_ms'");
        Post("keel/monitoring/run: window end not a number", Monitor + "run", """{"model": "{model}", "window_end_ms": "soon"}""", 400, Invalid, "window_end_ms");
        Post("keel/monitoring/run: CR LF in model", Monitor + "run", """{"model": "a\r\nb"}""", 400, Invalid, "control characters");
        Post("keel/monitoring/run: text/plain", Monitor + "run", """{"model": "{model}"}""", 400, Invalid, "Content-Type", "text/plain");
        void Get(string name, string pathAndQuery, string mentions) => Post(name, Monitor + pathAndQuery, null, 400, Invalid, mentions, null, method: "GET");
        Get("keel/monitoring/monitors/get: no model", "monitors/get", "'model'");
        Get("keel/monitoring/monitors/get: unusable model name", "monitors/get?model=a%2Fb", "Invalid registered model name");
        Get("keel/monitoring/monitors/get: CR LF in model", "monitors/get?model=a%0D%0Ab", "control characters");
        Get("keel/monitoring/monitors/list: max_results of zero", "monitors/list?max_results=0", "max_results");
        Get("keel/monitoring/monitors/list: page token that does not decode", "monitors/list?page_token=%25%25", "Invalid page token");
        Get("keel/monitoring/windows/list: no model", "windows/list", "'model'");
        Get("keel/monitoring/windows/list: from_ms not an integer", "windows/list?model=m&from_ms=yesterday", "expected an integer");
        Get("keel/monitoring/windows/list: to before from", "windows/list?model=m&from_ms=10&to_ms=5", "is before 'from_ms'");
        Get("keel/monitoring/windows/list: unknown arm", "windows/list?model=m&arm=left", "Unknown arm 'left'");
        Get("keel/monitoring/windows/list: version not a number", "windows/list?model=m&version=latest", "a model version is a positive whole number");
        Get("keel/monitoring/windows/list: unusable deployment", "windows/list?model=m&deployment=..", "Invalid serving name");
        Get("keel/monitoring/windows/list: max_results over the limit", "windows/list?model=m&max_results=10001", "max_results");
        Get("keel/monitoring/status: no model", "status", "'model'");
        Get("keel/monitoring/status: CR LF in model", "status?model=a%0D%0Ab", "control characters");
        Get("keel/monitoring/alerts/list: unknown state", "alerts/list?state=exploded", "Unknown alert state 'exploded'");
        Get("keel/monitoring/alerts/list: unusable model name", "alerts/list?model=a%23b", "Invalid registered model name");
        Get("keel/monitoring/alerts/history: from_ms not an integer", "alerts/history?from_ms=yesterday", "expected an integer");
        Get("keel/monitoring/alerts/history: max_results of zero", "alerts/history?max_results=0", "max_results");
        Get("keel/monitoring/retraining/list: CR LF in model", "retraining/list?model=a%0D%0Ab", "control characters");
        Get("keel/monitoring/retraining/list: unknown state", "retraining/list?state=exploded", "Unknown retraining state 'exploded'");
        Get("keel/monitoring/retraining/get: no id", "retraining/get", "'id'");
        Get("keel/monitoring/retraining/get: CR LF in id", "retraining/get?id=a%0D%0Ab", "control characters");
        Post("keel/monitoring/retraining/get: unknown id", Monitor + "retraining/get?id=nope", null, 404, "RESOURCE_DOES_NOT_EXIST", "'nope'", null, method: "GET");
        // Monitoring summary and report (GET, query only).
        foreach (var endpoint in new[] { "summary", "report" })
        {
            var path = Keel + "monitoring/" + endpoint;
            Post($"keel/monitoring/{endpoint}: no model", path, null, 400, Invalid, "'model'", null, method: "GET");
            Post($"keel/monitoring/{endpoint}: days not an integer", path + "?model=m&days=week", null, 400, Invalid, "expected an integer", null, method: "GET");
            Post($"keel/monitoring/{endpoint}: days beyond a long", path + "?model=m&days=99999999999999999999", null, 400, Invalid, "expected an integer", null, method: "GET");
            Post($"keel/monitoring/{endpoint}: days 0", path + "?model=m&days=0", null, 400, Invalid, "'days' must be between 1 and 90", null, method: "GET");
            Post($"keel/monitoring/{endpoint}: days over 90", path + "?model=m&days=91", null, 400, Invalid, "'days' must be between 1 and 90", null, method: "GET");
            // One model-name rule for every monitoring endpoint (Core's MonitoringNames): 400 as status answers, not 404.
            Post($"keel/monitoring/{endpoint}: model with CR LF and markup", path + "?model=%3Cscript%3E%0D%0Ax", null, 400, Invalid, "control characters", null, method: "GET");
            Post($"keel/monitoring/{endpoint}: unknown model with markup", path + "?model=%3Cscript%3Ex", null, 404, "RESOURCE_DOES_NOT_EXIST", "<script>", null, method: "GET");
        }

        // Keel's serving admin and prediction log, on both hosts where served.
        Post("keel/serving/predictions: unknown errors filter", Keel + "serving/predictions?model=m&errors=some%0D%0A", null, 400, Invalid, "errors: must be one of exclude, include, only", null, method: "GET");
        Post("keel/serving/models: serving name '..'", Keel + "serving/models", """{"name": "..", "model_uri": "models:/{model}/1"}""", 400, Invalid, "Invalid serving name");
        Post("keel/serving/models: lone surrogate in name", Keel + "serving/models", $$"""{"name": "s{{Lone}}", "model_uri": "models:/{model}/1"}""", 400, Invalid, "'name' is not valid Unicode");
        Post("keel/serving/models: lone surrogate in model_uri", Keel + "serving/models", $$"""{"name": "s", "model_uri": "models:/{{Lone}}/1"}""", 400, Invalid, "'model_uri' is not valid Unicode");
        Post("keel/serving/models: text/plain", Keel + "serving/models", """{"name": "s", "model_uri": "models:/{model}/1"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("keel/serving/models: no content type", Keel + "serving/models", """{"name": "s", "model_uri": "models:/{model}/1"}""", 400, Invalid, "Content-Type", null);
        Post("keel/serving/models/reload: text/plain", Keel + "serving/models/bc/reload", "{}", 400, Invalid, "Content-Type", "text/plain");
        Post("keel/serving/models/reload: form body", Keel + "serving/models/bc/reload", "a=1", 400, Invalid, "Content-Type", "application/x-www-form-urlencoded");
        Post("keel/serving/models/reload: no content type", Keel + "serving/models/bc/reload", null, 400, Invalid, "Content-Type", null);
        foreach (var target in new[] { HostileTarget.Main, HostileTarget.Single })
        {
            var host = target == HostileTarget.Main ? "main" : "keel serve";
            var invocations = target == HostileTarget.Main ? "/serving/bc/invocations" : "/invocations";
            var infer = target == HostileTarget.Main ? "/v2/models/bc/infer" : "/v2/models/bc-single/infer";
            void On(string name, string path, string? body, int status, string? code, string mentions, string? contentType = Json) =>
                Post($"{host} {name}", path, body, status, code, mentions, contentType, target);

            On("keel/serving/feedback: lone surrogate in a label", Keel + "serving/feedback", $$"""{"request_id": "{rid}", "labels": ["{{Lone}}"]}""", 400, Invalid, "'labels[0]' is not valid Unicode");
            On("keel/serving/feedback: lone surrogate in request_id", Keel + "serving/feedback", $$"""{"request_id": "r{{Lone}}", "labels": [1]}""", 400, Invalid, "'request_id' is not valid Unicode");
            On("keel/serving/feedback: invalid UTF-8 in a label", Keel + "serving/feedback", """{"request_id": "{rid}", "label": "<FF>"}""", 400, Invalid, "'label' is not valid Unicode");
            On("keel/serving/feedback: label over the limit", Keel + "serving/feedback", $$"""{"request_id": "{rid}", "label": "{{Long(4095)}}"}""", 400, Invalid, "Keel:Limits:MaxFeedbackLabelLength");
            On("keel/serving/feedback: text/plain", Keel + "serving/feedback", """{"request_id": "{rid}", "labels": [1]}""", 400, Invalid, "Content-Type", "text/plain");

            On("invocations: lone surrogate in a categorical cell", invocations, "{split:cell}", 400, Invalid, "'dataframe_split.data[0][0]' is not valid Unicode");
            On("invocations: lone surrogate in a column name", invocations, "{split:column}", 400, Invalid, "'dataframe_split.columns[0]' is not valid Unicode");
            On("invocations: lone surrogate in a record key", invocations, $$"""{"dataframe_records": [{"{{Lone}}": 1}]}""", 400, Invalid, "'dataframe_records[0] property name' is not valid Unicode");
            On("invocations: invalid UTF-8 in a cell", invocations, """{"instances": [{"x": "<FF>"}]}""", 400, Invalid, "'instances[0].x' is not valid Unicode");
            On("invocations: invalid UTF-8 in CSV", invocations, "a,b\n<FF>,1\n", 400, Invalid, "'(CSV body)' is not valid Unicode", "text/csv");
            On("invocations: text/plain", invocations, "{split}", 415, BadRequest, "Unsupported content type", "text/plain");
            On("invocations: form body", invocations, "a=1", 415, BadRequest, "Unsupported content type", "application/x-www-form-urlencoded");
            On("invocations: no content type", invocations, "{split}", 415, BadRequest, "Unsupported content type", null);
            On("invocations: duplicated column in dataframe_split", invocations, "{split:duplicate}", 400, BadRequest, "appears more than once");
            On("invocations: duplicated column in a CSV header", invocations, "a,a\n1,2\n", 400, BadRequest, "more than once", "text/csv");
            On("invocations: more rows than the limit", invocations, "{split:rows}", 413, "REQUEST_TOO_LARGE", "Keel:Serving:MaxRowsPerRequest");
            On("invocations: more CSV rows than the limit", invocations, "a\n1\n2\n3\n4\n", 413, "REQUEST_TOO_LARGE", "Keel:Serving:MaxRowsPerRequest", "text/csv");

            On("v2 infer: lone surrogate in BYTES data", infer, $$"""{"inputs": [{"name": "x", "shape": [1], "datatype": "BYTES", "data": ["{{Lone}}"]}]}""", 400, null, "'inputs[0].data[0]' is not valid Unicode");
            On("v2 infer: lone surrogate in id", infer, $$"""{"id": "{{Lone}}", "inputs": [{"name": "x", "shape": [1], "datatype": "FP64", "data": [1]}]}""", 400, null, "'id' is not valid Unicode");
            On("v2 infer: text/plain", infer, "{infer}", 400, null, "Content-Type", "text/plain");
            On("v2 infer: no content type", infer, "{infer}", 400, null, "Content-Type", null);
            On("v2 infer: duplicate tensor names", infer, """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP64", "data": [1]}, {"name": "x", "shape": [1], "datatype": "FP64", "data": [2]}]}""", 400, null, "another input tensor has the same name");
            On("v2 infer: INT8 of 1000", infer, """{"inputs": [{"name": "x", "shape": [1], "datatype": "INT8", "data": [1000]}]}""", 400, null, "outside INT8");
            On("v2 infer: UINT64 of -1", infer, """{"inputs": [{"name": "x", "shape": [1], "datatype": "UINT64", "data": [-1]}]}""", 400, null, "outside UINT64");
            On("v2 infer: FP16 of 1e300", infer, """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP16", "data": [1e300]}]}""", 400, null, "outside FP16");
            On("v2 infer: data nested deeper than the shape", infer, """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP64", "data": [[1]]}]}""", 400, null, "nested deeper");
            On("v2 infer: more rows than the limit", infer, "{infer:rows}", 413, null, "Keel:Serving:MaxRowsPerRequest");
            var versioned = target == HostileTarget.Main ? "/v2/models/bc/versions/1/infer" : "/v2/models/bc-single/versions/1/infer";
            On("v2 versioned infer: lone surrogate in BYTES data", versioned, $$"""{"inputs": [{"name": "x", "shape": [1], "datatype": "BYTES", "data": ["{{Lone}}"]}]}""", 400, null, "'inputs[0].data[0]' is not valid Unicode");
            On("v2 versioned infer: text/plain", versioned, "{infer}", 400, null, "Content-Type", "text/plain");
        }

        // A deployment's endpoints read bodies with the serving parsers: every invocations and infer row again on deployment 'dep'.
        foreach (var (name, c) in cases.Where(p => p.Value.Target == HostileTarget.Main && p.Value.Path is "/serving/bc/invocations" or "/v2/models/bc/infer").ToList())
        {
            Add("deployment " + name, c with { Path = c.Path == "/serving/bc/invocations" ? "/deployments/" + HostileInputFixture.Deployment + "/invocations" : "/v2/models/" + HostileInputFixture.Deployment + "/infer" });
        }

        Post("deployment invocations: unknown deployment", "/deployments/no-such-deployment/invocations", "{split}", 404, "RESOURCE_DOES_NOT_EXIST", "No deployment named");

        // MLflow's auth API and Keel's tokens (issue 16; this fixture runs with auth off, so the token endpoints answer 401 after reading the body).
        Post("users/create: lone surrogate in username", Mlflow + "users/create", $$"""{"username": "a{{Lone}}", "password": "long-enough-password"}""", 400, Invalid, "'username' is not valid Unicode");
        Post("users/create: NUL in username", Mlflow + "users/create", """{"username": "a\u0000b", "password": "long-enough-password"}""", 400, Invalid, "control characters");
        Post("users/create: colon in username", Mlflow + "users/create", """{"username": "a:b", "password": "long-enough-password"}""", 400, Invalid, "':'");
        Post("users/create: short password", Mlflow + "users/create", """{"username": "short-pw", "password": "x"}""", 400, Invalid, "'password' must be between");
        Post("users/create: password over the limit", Mlflow + "users/create", $$"""{"username": "long-pw", "password": "{{Long(1025)}}"}""", 400, Invalid, "'password' must be between");
        Post("users/create: text/plain", Mlflow + "users/create", """{"username": "plain", "password": "long-enough-password"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("users/create: form body", Mlflow + "users/create", "username=form&password=long-enough-password", 400, Invalid, "Content-Type", "application/x-www-form-urlencoded");
        Post("users/update-password: lone surrogate in password", Mlflow + "users/update-password", $$"""{"username": "nobody", "password": "{{Lone}}"}""", 400, Invalid, "'password' is not valid Unicode", method: "PATCH");
        Post("users/update-admin: no is_admin", Mlflow + "users/update-admin", """{"username": "nobody"}""", 400, Invalid, "is_admin", method: "PATCH");
        Post("users/delete: NUL in username", Mlflow + "users/delete", """{"username": "a\u0000"}""", 400, Invalid, "control characters", method: "DELETE");
        Post("experiments/permissions/create: unknown level", Mlflow + "experiments/permissions/create", """{"experiment_id": "{exp}", "username": "nobody", "permission": "OWNER"}""", 400, Invalid, "Valid permissions are");
        Post("experiments/permissions/create: NUL in experiment_id", Mlflow + "experiments/permissions/create", """{"experiment_id": "1\u0000", "username": "nobody", "permission": "READ"}""", 400, Invalid, "control characters");
        Post("experiments/permissions/update: lone surrogate in username", Mlflow + "experiments/permissions/update", $$"""{"experiment_id": "{exp}", "username": "{{Lone}}", "permission": "READ"}""", 400, Invalid, "'username' is not valid Unicode", method: "PATCH");
        Post("experiments/permissions/delete: no username", Mlflow + "experiments/permissions/delete", """{"experiment_id": "{exp}"}""", 400, Invalid, "'username'", method: "DELETE");
        Post("registered-models/permissions/create: unknown level", Mlflow + "registered-models/permissions/create", """{"name": "{model}", "username": "nobody", "permission": "read"}""", 400, Invalid, "Valid permissions are");
        Post("registered-models/permissions/update: name over the limit", Mlflow + "registered-models/permissions/update", $$"""{"name": "{{Long(501)}}", "username": "nobody", "permission": "READ"}""", 400, Invalid, "the limit is 500", method: "PATCH");
        Post("registered-models/permissions/delete: NUL in name", Mlflow + "registered-models/permissions/delete", """{"name": "a\u0000", "username": "nobody"}""", 400, Invalid, "control characters", method: "DELETE");
        Post("auth/tokens/create: text/plain", Keel + "auth/tokens/create", """{"name": "ci"}""", 400, Invalid, "Content-Type", "text/plain");
        Post("auth/tokens/create: with auth off", Keel + "auth/tokens/create", """{"name": "ci"}""", 401, "UNAUTHENTICATED", "--auth");
        Post("auth/tokens/revoke: form body", Keel + "auth/tokens/revoke", "token_id=x", 400, Invalid, "Content-Type", "application/x-www-form-urlencoded");
        Post("auth/setup: a guessed token", Keel + "auth/setup", """{"setup_token": "keel_setup_guess", "username": "root", "password": "long-enough-password"}""", 403, "PERMISSION_DENIED", "setup token");

        // Levels on Keel's own resources and scoring tokens (issue 16).
        foreach (var kind in new[] { "deployments", "served-models", "monitors" })
        {
            var at = Keel + "auth/" + kind + "/permissions/";
            Post($"auth/{kind}/permissions/create: unknown level", at + "create", """{"name": "x", "username": "nobody", "permission": "OWNER"}""", 400, Invalid, "Valid permissions are");
            Post($"auth/{kind}/permissions/create: text/plain", at + "create", """{"name": "x", "username": "nobody", "permission": "READ"}""", 400, Invalid, "Content-Type", "text/plain");
            Post($"auth/{kind}/permissions/update: NUL in name", at + "update", """{"name": "a\u0000", "username": "nobody", "permission": "READ"}""", 400, Invalid, "control characters", method: "PATCH");
            Post($"auth/{kind}/permissions/delete: no username", at + "delete", """{"name": "x"}""", 400, Invalid, "'username'", method: "DELETE");
        }

        foreach (var kind in new[] { "deployments", "served-models" })
        {
            var at = Keel + "auth/" + kind + "/scoring-tokens/";
            Post($"auth/{kind}/scoring-tokens/create: text/plain", at + "create", """{"name": "x", "token_name": "ci"}""", 400, Invalid, "Content-Type", "text/plain");
            Post($"auth/{kind}/scoring-tokens/create: lone surrogate in token_name", at + "create", $$"""{"name": "x", "token_name": "{{Lone}}"}""", 400, Invalid, "'token_name' is not valid Unicode");
            Post($"auth/{kind}/scoring-tokens/create: negative expiry", at + "create", """{"name": "x", "token_name": "ci", "expires_in_days": -1}""", 400, Invalid, "expires_in_days");
            Post($"auth/{kind}/scoring-tokens/revoke: form body", at + "revoke", "name=x&token_id=y", 400, Invalid, "Content-Type", "application/x-www-form-urlencoded");
            Post($"auth/{kind}/scoring-tokens/delete: no token_id", at + "delete", """{"name": "x"}""", 400, Invalid, "'token_id'");
        }

        return cases;
    }
}
