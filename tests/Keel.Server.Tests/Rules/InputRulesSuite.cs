using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Server.Tests.Rules;

/// <summary>
/// One table of input rules (tracking validation and truncation, registry names, tags and aliases,
/// model-version sources, the promotion guard), run through every entry point: each subclass gives
/// the same <see cref="ITrackingStore"/> / <see cref="IRegistryStore"/> calls a different way in —
/// the local SQLite store (what <c>keel train --backend-store-uri</c> uses) or the HTTP API (through
/// <c>KeelClient</c>). Same input, same error code, same stored result.
/// </summary>
public abstract class InputRulesSuite : IAsyncLifetime
{
    /// <summary>A folder outside Keel's artifact store, used as a custom experiment artifact location.</summary>
    protected string Outside { get; } = Directory.CreateTempSubdirectory("keel-rules-outside-").FullName;

    protected abstract ITrackingStore Tracking { get; }

    protected abstract IRegistryStore Registry { get; }

    public abstract ValueTask InitializeAsync();

    public virtual ValueTask DisposeAsync()
    {
        Directory.Delete(Outside, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>What a rule runs against: a run, a run whose experiment lives outside the store, and a model with a version that failed its gates.</summary>
    public sealed record Subject(ITrackingStore Tracking, IRegistryStore Registry, string RunId, string OutsideRunId, string OutsideRunUri, string Model);

    private static readonly Actor Alice = new("alice");

    private static readonly string Long250 = new('k', 251);

    /// <summary>The rules: a name, the error code expected (null: accepted), and the call.</summary>
    public static readonly IReadOnlyDictionary<string, (ErrorCode? Expected, Func<Subject, Task> Act)> Rules =
        new Dictionary<string, (ErrorCode?, Func<Subject, Task>)>
        {
            // Tracking: names, keys, lengths, timestamps, batch limits (TrackingValidator).
            ["experiment name empty"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.CreateExperimentAsync("", null, null)),
            ["experiment name over 500"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.CreateExperimentAsync(new string('e', 501), null, null)),
            ["experiment tag value over 5000"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.CreateExperimentAsync(Unique("e"), null, [new ExperimentTag("k", new string('v', 5001))])),
            ["run tag key climbing out"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.CreateRunAsync(new CreateRunCommand("0", null, null, null, [new RunTag("a/../b", "v")]))),
            ["run name over 250"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.CreateRunAsync(new CreateRunCommand("0", null, new string('r', 251), null, null))),
            ["run start time negative"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.CreateRunAsync(new CreateRunCommand("0", null, null, -1, null))),
            ["renamed run over 250"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.UpdateRunAsync(s.RunId, null, null, new string('r', 251))),
            ["run id malformed"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.GetRunAsync("abc")),
            ["metric key with a question mark"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.LogMetricAsync(s.RunId, new Metric("bad?key", 1, 1, 0))),
            ["metric timestamp negative"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.LogMetricAsync(s.RunId, new Metric("m", 1, -5, 0))),
            ["param key over 250"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.LogParamAsync(s.RunId, new Param(Long250, "v"))),
            ["tag on a malformed run id"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.SetTagAsync("RUN", new RunTag("k", "v"))),
            ["batch of 1001 metrics"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.LogBatchAsync(s.RunId, [.. Enumerable.Range(0, 1001).Select(i => new Metric("m", i, 1, i))], [], [])),
            ["batch with one param twice, two values"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.LogBatchAsync(s.RunId, [], [new Param("p", "1"), new Param("p", "2")], [])),
            ["batch param key climbing out"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.LogBatchAsync(s.RunId, [], [new Param("../p", "1")], [])),
            ["dataset digest over 36"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.LogInputsAsync(s.RunId, [new DatasetInput([], new Dataset("d", new string('f', 37), "local", "d.csv"))])),
            ["param over 6000 is cut to 6000"] = (null, async s =>
            {
                await s.Tracking.LogParamAsync(s.RunId, new Param("long", new string('p', 7000)));
                Assert.Equal(6000, (await s.Tracking.GetRunAsync(s.RunId)).Data.Params.Single(p => p.Key == "long").Value.Length);
            }),
            ["tag over 8000 is cut to 8000"] = (null, async s =>
            {
                await s.Tracking.SetTagAsync(s.RunId, new RunTag("long", new string('t', 9000)));
                Assert.Equal(8000, (await s.Tracking.GetRunAsync(s.RunId)).Data.Tags.Single(t => t.Key == "long").Value.Length);
            }),
            ["batch values over the limits are cut"] = (null, async s =>
            {
                await s.Tracking.LogBatchAsync(s.RunId, [], [new Param("bp", new string('p', 6001))], [new RunTag("bt", new string('t', 8001))]);
                var data = (await s.Tracking.GetRunAsync(s.RunId)).Data;
                Assert.Equal(6000, data.Params.Single(p => p.Key == "bp").Value.Length);
                Assert.Equal(8000, data.Tags.Single(t => t.Key == "bt").Value.Length);
            }),
            ["create-run tag over 8000 is cut to 8000"] = (null, async s =>
            {
                var run = await s.Tracking.CreateRunAsync(new CreateRunCommand("0", null, null, null, [new RunTag("long", new string('t', 8500))]));
                Assert.Equal(8000, run.Data.Tags.Single(t => t.Key == "long").Value.Length);
            }),
            ["logged-models history over 8000 is refused, never cut into broken JSON"] = (ErrorCode.InvalidParameterValue, s => s.Tracking.SetTagAsync(s.RunId, new RunTag(MlflowTags.LoggedModels, "[" + new string(' ', 8100) + "]"))),

            // Registry: names, tags, aliases, descriptions (RegistryValidator, AliasValidator).
            ["model name with a slash"] = (ErrorCode.InvalidParameterValue, s => s.Registry.CreateRegisteredModelAsync("a/b", null, null, Alice)),
            ["model tag key climbing out"] = (ErrorCode.InvalidParameterValue, s => s.Registry.SetRegisteredModelTagAsync(s.Model, new RegisteredModelTag("../k", "v"), Alice)),
            ["version tag value over 5000"] = (ErrorCode.InvalidParameterValue, s => s.Registry.SetModelVersionTagAsync(s.Model, "1", new ModelVersionTag("k", new string('v', 5001)), Alice)),
            ["model description over 5000"] = (ErrorCode.InvalidParameterValue, s => s.Registry.UpdateRegisteredModelAsync(s.Model, new string('d', 5001), Alice)),
            ["alias v1 is reserved"] = (ErrorCode.InvalidParameterValue, s => s.Registry.SetAliasAsync(s.Model, "v1", "1", Alice)),
            ["alias latest is reserved"] = (ErrorCode.InvalidParameterValue, s => s.Registry.SetAliasAsync(s.Model, "Latest", "1", Alice)),
            ["alias with a dot"] = (ErrorCode.InvalidParameterValue, s => s.Registry.SetAliasAsync(s.Model, "a.b", "1", Alice)),
            ["alias history of an alias with a slash"] = (ErrorCode.InvalidParameterValue, s => s.Registry.AliasTargetAtAsync(s.Model, "a/b", 0)),

            // Model-version sources (ModelSourceValidator.ValidateRegistration).
            ["source /etc/passwd"] = (ErrorCode.InvalidParameterValue, s => Version(s, "/etc/passwd", null)),
            ["source climbing out of the store"] = (ErrorCode.InvalidParameterValue, s => Version(s, "mlflow-artifacts:/../../etc", null)),
            ["source naming another run than run_id"] = (ErrorCode.InvalidParameterValue, s => Version(s, $"runs:/{s.OutsideRunId}/model", s.RunId)),
            ["source with a malformed run_id"] = (ErrorCode.InvalidParameterValue, s => Version(s, "mlflow-artifacts:/m/1", "RUN")),
            ["source local path outside the run's location"] = (ErrorCode.InvalidParameterValue, s => Version(s, s.OutsideRunUri + "-evil/model", s.OutsideRunId)),
            ["source local path in the run's location is kept as given"] = (null, async s =>
                Assert.Equal(s.OutsideRunUri + "/model", (await Version(s, s.OutsideRunUri + "/model", s.OutsideRunId)).Source)),
            ["source s3 is kept as given"] = (null, async s => Assert.Equal("s3://bucket/model", (await Version(s, "s3://bucket/model", null)).Source)),
            ["source https is kept as given"] = (null, async s => Assert.Equal("https://models.example.com/m", (await Version(s, "https://models.example.com/m", null)).Source)),
            ["source inside the store is stored canonical"] = (null, async s => Assert.Equal("mlflow-artifacts:/m/x", (await Version(s, "mlflow-artifacts:/m//x/", null)).Source)),

            // The promotion guard (PromotionGuard): version 1 failed its gates.
            ["failed version into Production"] = (ErrorCode.InvalidParameterValue, s => s.Registry.TransitionStageAsync(s.Model, "1", "Production", false, Alice)),
            ["failed version as champion"] = (ErrorCode.InvalidParameterValue, s => s.Registry.SetAliasAsync(s.Model, "champion", "1", Alice)),
            ["failed version forced without a reason"] = (ErrorCode.InvalidParameterValue, s => s.Registry.TransitionStageAsync(s.Model, "1", "Production", false, Alice with { Force = true })),
            ["failed version into Staging is allowed"] = (null, s => s.Registry.TransitionStageAsync(s.Model, "1", "Staging", false, Alice)),
            ["failed version forced with a reason is audited as forced"] = (null, async s =>
            {
                await s.Registry.SetAliasAsync(s.Model, "production", "1", new Actor("alice", "hotfix", Force: true));
                var events = await s.Registry.ListEventsAsync(new RegistryEventQuery(s.Model));
                Assert.Contains(events.Items, e => e.Comment is { } c && c.StartsWith("[forced past failed gates: failed", StringComparison.Ordinal) && c.EndsWith("hotfix", StringComparison.Ordinal));
            }),
        };

    public static TheoryData<string> RuleNames() => new(Rules.Keys);

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N");

    private static Task<ModelVersion> Version(Subject s, string source, string? runId) =>
        s.Registry.CreateModelVersionAsync(new CreateModelVersionCommand(s.Model, source, runId, null, null, null, null), Alice);

    private async Task<Subject> SubjectAsync()
    {
        var experiment = await Tracking.CreateExperimentAsync(Unique("rules"), null, null);
        var run = await Tracking.CreateRunAsync(new CreateRunCommand(experiment, "alice", "r", 1000, null));
        var outsideExperiment = await Tracking.CreateExperimentAsync(Unique("rules-outside"), Outside, null);
        var outsideRun = await Tracking.CreateRunAsync(new CreateRunCommand(outsideExperiment, "alice", "o", 1000, null));
        var model = Unique("rules-model");
        await Registry.CreateRegisteredModelAsync(model, null, null, Alice);
        await Registry.CreateModelVersionAsync(
            new CreateModelVersionCommand(model, "mlflow-artifacts:/m/1", null, [new ModelVersionTag(PromotionGuard.ValidationStatusTag, "failed: accuracy 0.61 < 0.8")], null, null, null),
            Alice);
        return new Subject(Tracking, Registry, run.Info.RunId, outsideRun.Info.RunId, outsideRun.Info.ArtifactUri, model);
    }

    [Theory]
    [MemberData(nameof(RuleNames))]
    public async Task Rule_GivesTheSameAnswerAtEveryEntryPoint(string rule)
    {
        var (expected, act) = Rules[rule];
        var subject = await SubjectAsync();
        if (expected is null)
        {
            await act(subject);
            return;
        }

        var error = await Assert.ThrowsAsync<KeelException>(() => act(subject));
        Assert.Equal(expected, error.Code);
    }
}
