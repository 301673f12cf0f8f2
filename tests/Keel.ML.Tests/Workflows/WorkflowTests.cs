using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Core.Validation.Gates;
using Keel.ML.Pipeline;
using Keel.ML.Workflows;
using Keel.Storage.Artifacts;
using Keel.Storage.Sqlite;

namespace Keel.ML.Tests.Workflows;

/// <summary>
/// The train → gate → register and validate workflows called as a library (as the server will),
/// on an embedded SQLite store and artifact folder in a temp directory: no CLI, no console.
/// </summary>
public sealed class WorkflowTests : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _directory = TestData.NewTempDirectory();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing SQLite pool; the OS cleans the temp folder.
        }
    }

    [Fact]
    public async Task TrainSession_OnALocalStore_LogsTheRun_PassesTheGates_RegistersWithTheAlias_AndValidateRecordsOnTheVersion()
    {
        var progress = new RecordingProgress();
        var backend = OpenBackend();
        await using (backend)
        {
            var summary = await new TrainSession(new TrainOptions { Pipeline = Pipeline("accuracy_score: 0.9"), User = "alice", Comment = "nightly" }, progress)
                .RunAsync(backend, _ct);

            Assert.True(summary.Passed);
            Assert.Contains(summary.Gates.Checks, c => c.Subject == "accuracy_score" && c.Outcome == GateOutcome.Passed);
            Assert.Equal(new RegistrationResult("wdbc", "1", "champion", null, Applied: true), summary.Registration);
            Assert.Empty(progress.Warnings);
            Assert.Contains(progress.Steps, s => s.StartsWith("registering 'wdbc'", StringComparison.Ordinal));
            Assert.Contains(progress.Steps, s => s.StartsWith("starting run", StringComparison.Ordinal) && s.Contains("sqlite:///", StringComparison.Ordinal));

            var run = await backend.Tracking.GetRunAsync(summary.RunId, _ct);
            Assert.Equal(RunStatus.Finished, run.Info.Status);
            Assert.Equal("alice", run.Info.UserId);
            Assert.Contains(run.Data.Tags, t => t.Key == GateReport.TagKey && t.Value == "passed");
            Assert.Contains(run.Data.Metrics, m => m.Key == "test_accuracy_score" && m.Value >= 0.9);
            var version = await backend.Registry.GetModelVersionByAliasAsync("wdbc", "champion", _ct);
            Assert.Equal("1", version.Version);
            Assert.Equal($"runs:/{summary.RunId}/model", version.Source);
            Assert.Contains(version.Tags, t => t.Key == GateReport.TagKey && t.Value == "passed");
            var created = Assert.Single((await backend.Registry.ListEventsAsync(new RegistryEventQuery("wdbc", "1", null, null), _ct)).Items, e => e.Kind == RegistryEventKinds.VersionCreated);
            Assert.Equal("alice", created.User);
            Assert.Equal("nightly", created.Comment);
            var package = Path.Combine(_directory, "package");
            Assert.True(await backend.DownloadModelAsync(version, package, _ct) >= 3);
            Assert.True(File.Exists(Path.Combine(package, "model.zip")));

            var validation = await new ValidateSession(progress).RunAsync(
                backend, new ValidateOptions { ModelUri = "models:/wdbc@champion", DataPath = TestData.PathOf("breast_cancer_wdbc.csv"), User = "bob" }, _ct);

            Assert.True(validation.Report.Passed, string.Join("; ", validation.Report.Checks.Select(c => c.Reason)));
            Assert.Equal("1", validation.Version);
            Assert.Equal(569, validation.Data.Rows);
            Assert.NotNull(validation.Metrics);
            Assert.StartsWith($"runs:/{summary.RunId}/validation/validate-", validation.ReportUri, StringComparison.Ordinal);
            var validated = await backend.Registry.GetModelVersionAsync("wdbc", "1", _ct);
            Assert.Contains(validated.Tags, t => t.Key == KeelTags.ValidationDataDigest && t.Value == validation.Data.Digest);
            Assert.Contains(validated.Tags, t => t.Key == KeelTags.ValidationReport && t.Value == validation.ReportUri);
        }
    }

    [Fact]
    public async Task TrainSession_AGateFails_RegistersTheVersionWithoutTheAlias_AndReportsTheFailureThroughProgress()
    {
        var progress = new RecordingProgress();
        var backend = OpenBackend();
        await using (backend)
        {
            var summary = await new TrainSession(new TrainOptions { Pipeline = Pipeline("log_loss: {max: 0.0001}") }, progress).RunAsync(backend, _ct);

            Assert.False(summary.Passed);
            Assert.Equal(new RegistrationResult("wdbc", "1", "champion", null, Applied: false), summary.Registration);
            Assert.Contains(progress.Warnings, w => w.StartsWith("gate failed: Metric log_loss", StringComparison.Ordinal));
            var version = await backend.Registry.GetModelVersionAsync("wdbc", "1", _ct);
            Assert.Empty(version.Aliases);
            Assert.Contains(version.Tags, t => t.Key == GateReport.TagKey && t.Value.StartsWith("failed", StringComparison.Ordinal));
            Assert.Equal(RunStatus.Finished, (await backend.Tracking.GetRunAsync(summary.RunId, _ct)).Info.Status);
        }
    }

    [Fact]
    public async Task TrainSession_WithRegisterOff_LogsTheRunAndRegistersNothing()
    {
        var backend = OpenBackend();
        await using (backend)
        {
            var summary = await new TrainSession(new TrainOptions { Pipeline = Pipeline("accuracy_score: 0.9"), Register = false }).RunAsync(backend, _ct);

            Assert.Null(summary.Registration);
            Assert.Empty((await backend.Registry.SearchRegisteredModelsAsync(null, 10, null, null, _ct)).Items);
            Assert.Equal(RunStatus.Finished, (await backend.Tracking.GetRunAsync(summary.RunId, _ct)).Info.Status);
        }
    }

    [Fact]
    public async Task TrainSession_WithATestFile_LogsBothFilesAsDatasets_EachWithItsOwnDigestAndRows()
    {
        var lines = File.ReadAllLines(TestData.PathOf("breast_cancer_wdbc.csv"));
        var train = Path.Combine(_directory, "train.csv");
        var test = Path.Combine(_directory, "test.csv");
        File.WriteAllLines(train, lines.Take(470));
        File.WriteAllLines(test, [lines[0], .. lines.Skip(470)]);
        var pipeline = PipelineParser.Parse(
            """
            name: wdbc
            experiment: wdbc
            data: {path: train.csv, test_path: test.csv, target: target, task: binary, drop: [diagnosis]}
            trainer: {name: SdcaLogisticRegression}
            importance: false
            """,
            Path.Combine(_directory, "pipeline.yaml"));
        var backend = OpenBackend();
        await using (backend)
        {
            var summary = await new TrainSession(new TrainOptions { Pipeline = pipeline, Register = false }).RunAsync(backend, _ct);

            var inputs = (await backend.Tracking.GetRunAsync(summary.RunId, _ct)).Inputs.DatasetInputs;
            Assert.Equal(2, inputs.Count);
            var training = Assert.Single(inputs, i => i.Tags.Any(t => t.Key == MlflowTags.DatasetContext && t.Value == "training"));
            var testing = Assert.Single(inputs, i => i.Tags.Any(t => t.Key == MlflowTags.DatasetContext && t.Value == "test"));
            Assert.Equal("train", training.Dataset.Name);
            Assert.Equal("test", testing.Dataset.Name);
            Assert.NotEqual(training.Dataset.Digest, testing.Dataset.Digest);
            Assert.Contains("\"num_rows\":469", training.Dataset.Profile, StringComparison.Ordinal);
            Assert.Contains("\"num_rows\":100", testing.Dataset.Profile, StringComparison.Ordinal);
            var testDigest = await Keel.ML.Data.DataDigest.ComputeAsync(test, _ct);
            Assert.Contains(testDigest, testing.Dataset.Profile, StringComparison.Ordinal);
            Assert.Equal(training.Dataset.Schema, testing.Dataset.Schema);
        }
    }

    [Fact]
    public async Task ValidateSession_ReadsTheDataWithTheMissingValueRuleTheModelWasTrainedWith_UnlessToldOtherwise()
    {
        // mean_texture holds "NA" in every tenth row: missing under the pipeline's na_values, text under the default rule.
        var lines = File.ReadAllLines(TestData.PathOf("breast_cancer_wdbc.csv"));
        var data = Path.Combine(_directory, "na.csv");
        File.WriteAllLines(data, lines.Select((line, i) => i > 0 && i % 10 == 0 ? string.Join(',', line.Split(',').Select((cell, c) => c == 1 ? "NA" : cell)) : line));
        var pipeline = PipelineParser.Parse(
            """
            name: wdbc
            experiment: wdbc
            data: {path: na.csv, target: target, task: binary, drop: [diagnosis], na_values: [NA]}
            trainer: {name: SdcaLogisticRegression}
            importance: false
            registration: {model_name: wdbc-na}
            """,
            Path.Combine(_directory, "pipeline.yaml"));
        var backend = OpenBackend();
        await using (backend)
        {
            var summary = await new TrainSession(new TrainOptions { Pipeline = pipeline }).RunAsync(backend, _ct);
            Assert.Equal("1", summary.Registration!.Version);

            var asTrained = await new ValidateSession().RunAsync(backend, new ValidateOptions { ModelUri = "models:/wdbc-na/1", DataPath = data, Record = false }, _ct);
            Assert.True(asTrained.Report.Passed, string.Join("; ", asTrained.Report.Checks.Select(c => c.Reason)));

            var overridden = await new ValidateSession().RunAsync(
                backend, new ValidateOptions { ModelUri = "models:/wdbc-na/1", DataPath = data, Record = false, Missing = Keel.Data.MissingValues.Default }, _ct);
            Assert.False(overridden.Report.Passed);
            Assert.Contains(overridden.Report.Checks, c => c.Gate == GateNames.Schema && c.Subject == "mean_texture" && c.Outcome == GateOutcome.Failed);
        }
    }

    private TrainBackend OpenBackend()
    {
        var artifacts = Path.Combine(_directory, "artifacts");
        var tracking = new SqliteTrackingStore(Path.Combine(_directory, "keel.db"), artifacts, TimeProvider.System);
        return new TrainBackend("sqlite:///" + tracking.DatabasePath, tracking, new SqliteRegistryStore(tracking.Database, tracking.ArtifactRoot), new LocalArtifactStore(artifacts), owned: tracking);
    }

    private PipelineDefinition Pipeline(string thresholds) => PipelineParser.Parse(
        $"""
        name: wdbc
        experiment: wdbc
        data:
          path: {TestData.PathOf("breast_cancer_wdbc.csv")}
          target: target
          task: binary
          drop: [diagnosis]
        split:
          seed: 7
        trainer:
          name: SdcaLogisticRegression
        thresholds:
          {thresholds}
        registration:
          model_name: wdbc
          alias: champion
        """,
        Path.Combine(_directory, "pipeline.yaml"));

    private sealed class RecordingProgress : IWorkflowProgress
    {
        public List<string> Steps { get; } = [];

        public List<string> Warnings { get; } = [];

        public void Step(string text) => Steps.Add(text);

        public void Detail(string text)
        {
        }

        public void Warning(string text) => Warnings.Add(text);
    }
}
