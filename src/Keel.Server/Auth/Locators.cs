namespace Keel.Server.Auth;

/// <summary>The ways a rule finds the resource a request touches.</summary>
internal static class Locators
{
    /// <summary>An experiment id in a field (query or body).</summary>
    public static ResourceLocator Field(string name) => async r => [await r.RequiredAsync(name).ConfigureAwait(false)];

    /// <summary>An id in a field that may be absent (then no resource is named, which only admins pass).</summary>
    public static ResourceLocator Optional(string name) => async r => await r.FieldAsync(name).ConfigureAwait(false) is { Length: > 0 } v ? [v] : [];

    /// <summary>Every experiment id in a list field (<c>experiment_ids</c>).</summary>
    public static ResourceLocator List(string name) => async r => await r.ListAsync(name).ConfigureAwait(false);

    /// <summary>The experiment named in a field.</summary>
    public static ResourceLocator ExperimentByName(string name) => async r =>
    {
        var experiment = await r.Tracking.GetExperimentByNameAsync(await r.RequiredAsync(name).ConfigureAwait(false), r.Context.RequestAborted).ConfigureAwait(false);
        return [experiment.ExperimentId];
    };

    /// <summary>The experiment of the run in <c>run_id</c> (or MLflow's older <c>run_uuid</c>).</summary>
    public static ResourceLocator ExperimentOfRun() => async r =>
    {
        var runId = await r.FieldAsync("run_id").ConfigureAwait(false) ?? await r.RequiredAsync("run_uuid").ConfigureAwait(false);
        var run = await r.Tracking.GetRunAsync(runId, r.Context.RequestAborted).ConfigureAwait(false);
        return [run.Info.ExperimentId];
    };

    /// <summary>
    /// The experiment whose artifacts a proxy path is under: its first segment (the artifact root
    /// holds <c>&lt;experiment_id&gt;/&lt;run_id&gt;/artifacts/...</c>). The root itself names no experiment.
    /// </summary>
    public static ResourceLocator ArtifactPath(bool fromQuery) => async r =>
    {
        var path = fromQuery ? await r.FieldAsync("path").ConfigureAwait(false) : r.Route("path");
        var first = (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return first is null ? [] : [first];
    };

    /// <summary>A string field inside an object field of the body (<c>spec.name</c>); absent names nothing.</summary>
    public static ResourceLocator Nested(string parent, string name) => async r => await r.NestedFieldAsync(parent, name).ConfigureAwait(false) is { Length: > 0 } v ? [v] : [];

    /// <summary>A route value (<c>/serving/{name}/...</c>).</summary>
    public static ResourceLocator RouteValue(string name) => r => ValueTask.FromResult<IReadOnlyList<string>>(r.Route(name) is { Length: > 0 } v ? [v] : []);

    /// <summary>
    /// The registered model a <c>models:/NAME/...</c> URI in a field names. Any other source (a run,
    /// a path) names no registered model, which only admins pass.
    /// </summary>
    public static ResourceLocator ModelOfUri(string field) => async r =>
    {
        var uri = await r.FieldAsync(field).ConfigureAwait(false);
        if (uri is null || !uri.StartsWith("models:/", StringComparison.Ordinal))
        {
            return [];
        }

        // models:/NAME/VERSION, models:/NAME/STAGE, models:/NAME@ALIAS
        var name = uri["models:/".Length..].Split('/', 2)[0].Split('@', 2)[0];
        return name.Length > 0 ? [name] : [];
    };
}
