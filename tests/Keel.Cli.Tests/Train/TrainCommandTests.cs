using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Cli.Tests.Train;

public sealed class TrainCommandTests(KeelServerFixture server) : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TrainPipelines _pipelines = new();

    public void Dispose() => _pipelines.Dispose();

    [Fact]
    public async Task Train_AgainstServer_LogsTheRunAndRegistersWithTheAlias()
    {
        var name = KeelServerFixture.UniqueName("train");
        var pipeline = _pipelines.Write(name, name);

        var result = await CliRun.AgainstAsync(server, "train", pipeline);

        Assert.True(result.ExitCode == 0, result.ToString());
        var steps = result.Lines.Where(l => l.StartsWith("==> ", StringComparison.Ordinal)).Select(l => l[4..]).ToList();
        string[] phases = ["hashing breast_cancer_wdbc.csv", "loading breast_cancer_wdbc.csv", "splitting 569 rows (stratified)", "starting run",
            "featurising and training SdcaLogisticRegression", "evaluating", "computing permutation importance", "packaging the model", "logging to run", "checking gates", "registering"];
        Assert.Equal(phases.Length, steps.Count);
        Assert.All(phases.Zip(steps), p => Assert.StartsWith(p.First, p.Second, StringComparison.Ordinal));
        Assert.Contains("==> registering", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"metric\s+accuracy_score: threshold\s+\S+\s+>= 0\.9\s+pass", result.Out);
        using var client = server.CreateClient();
        var version = await client.GetModelVersionByAliasAsync(name, "champion", _ct);
        Assert.Equal("1", version.Version);
        Assert.Contains(version.Tags, t => t.Key == "keel.validation.status" && t.Value == "passed");
        var run = await client.GetRunAsync(version.RunId!, _ct);
        Assert.Equal(RunStatus.Finished, run.Info.Status);
        Assert.Equal(name, run.Info.RunName);
        var parameters = run.Data.Params.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("SdcaLogisticRegression", parameters["trainer"]);
        Assert.Equal("7", parameters["seed"]);
        Assert.Equal("stratified", parameters["split_method"]);
        Assert.Equal(569, int.Parse(parameters["train_size"]) + int.Parse(parameters["validation_size"]) + int.Parse(parameters["test_size"]));
        var metrics = run.Data.Metrics.Select(m => m.Key).ToHashSet();
        Assert.Superset(new HashSet<string> { "validation_accuracy_score", "validation_roc_auc", "test_accuracy_score", "test_roc_auc", "test_log_loss", "training_accuracy_score" }, metrics);
        var tags = run.Data.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(tags["keel.data.digest"], parameters["data_hash"]);
        Assert.Equal(name, tags["keel.pipeline"]);
        Assert.Equal(pipeline, tags["mlflow.source.name"]);
        Assert.StartsWith("ML.NET", tags["keel.mlnet_version"], StringComparison.Ordinal);
        Assert.Contains(".NET", tags["keel.dotnet_version"], StringComparison.Ordinal);
        Assert.Contains("\"artifact_path\":\"model\"", tags["mlflow.log-model.history"], StringComparison.Ordinal);
        Assert.Contains("\"keel\":", tags["mlflow.log-model.history"], StringComparison.Ordinal);
        var input = Assert.Single(run.Inputs.DatasetInputs);
        Assert.Matches("^sha256:[0-9a-f]{64}$", tags["keel.data.digest"]);
        Assert.Equal(tags["keel.data.digest"]["sha256:".Length..][..32], input.Dataset.Digest);
        Assert.Contains(tags["keel.data.digest"], input.Dataset.Profile, StringComparison.Ordinal);
        Assert.Contains("\"mean_radius\"", input.Dataset.Schema, StringComparison.Ordinal);
        Assert.Contains(input.Tags, t => t.Key == "mlflow.data.context" && t.Value == "training");
        var root = (await client.ListArtifactsAsync(run.Info.RunId, cancellationToken: _ct)).Select(f => f.Path).ToHashSet();
        Assert.Superset(new HashSet<string> { "model", "plots", "validation", "confusion_matrix.json", "feature_importance.json", "pipeline.yaml" }, root);
        var model = (await client.ListArtifactsAsync(run.Info.RunId, "model", _ct)).Select(f => f.Path).ToHashSet();
        Assert.Superset(new HashSet<string> { "model/model.zip", "model/keel-model.json", "model/input_example.json" }, model);
        Assert.Contains("plots/roc_curve.png", (await client.ListArtifactsAsync(run.Info.RunId, "plots", _ct)).Select(f => f.Path));
    }

    [Fact]
    public async Task Train_ThresholdCannotBeMet_Exit1_RegistersButDoesNotApplyTheAlias()
    {
        var name = KeelServerFixture.UniqueName("train-gate");
        var pipeline = _pipelines.Write(name, name, thresholds: "log_loss: {max: 0.0001}");

        var result = await CliRun.AgainstAsync(server, "train", pipeline, "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("gate failed: Metric log_loss value threshold check failed", result.Error, StringComparison.Ordinal);
        var json = result.Json();
        Assert.False(json.GetProperty("gates").GetProperty("passed").GetBoolean());
        Assert.False(json.GetProperty("passed").GetBoolean());
        Assert.Equal(1, json.GetProperty("exit_code").GetInt32());
        Assert.False(json.GetProperty("registration").GetProperty("applied").GetBoolean());
        using var client = server.CreateClient();
        var version = await client.GetModelVersionAsync(name, "1", _ct);
        Assert.Empty(version.Aliases);
        Assert.Contains(version.Tags, t => t.Key == "keel.validation.status" && t.Value == "failed: 1 of 1 checks");
    }

    [Fact]
    public async Task Train_ChangeThresholds_ComparedWithTheChampion_StoredAsGateReport()
    {
        var name = KeelServerFixture.UniqueName("train-champion");
        const string Change = "accuracy_score: {min: 0.8, min_absolute_change: 0.2}";

        // No champion yet: the change check is skipped, so the first version can become champion.
        var first = await CliRun.AgainstAsync(server, "train", _pipelines.Write(name + "-a", name, thresholds: Change), "--json");
        Assert.True(first.ExitCode == 0, first.ToString());
        var firstChecks = first.Json().GetProperty("gates").GetProperty("checks").EnumerateArray().ToList();
        Assert.Contains(firstChecks, c => c.GetProperty("check").GetString() == "champion" && c.GetProperty("outcome").GetString() == "SKIPPED");

        // The same model again cannot beat the champion by 0.2: exit 1, the alias stays on version 1.
        var second = await CliRun.AgainstAsync(server, "train", _pipelines.Write(name + "-b", name, thresholds: Change));
        Assert.True(second.ExitCode == 1, second.ToString());
        Assert.Matches(@"champion\s+@champion: version 1, re-scored on this run's test split \(\d+ rows\)", second.Out);
        Assert.Matches(@"metric\s+accuracy_score: min_absolute_change\s+\S+\s+>= \S+\s+FAIL", second.Out);
        Assert.Contains("gate failed: Metric accuracy_score minimum absolute", second.Error, StringComparison.Ordinal);

        // No required change (0 relative) with identical metrics passes and moves the alias.
        var third = await CliRun.AgainstAsync(server, "train", _pipelines.Write(name + "-c", name, thresholds: "accuracy_score: {min_relative_change: 0}"));
        Assert.True(third.ExitCode == 0, third.ToString());

        using var client = server.CreateClient();
        Assert.Equal("3", (await client.GetModelVersionByAliasAsync(name, "champion", _ct)).Version);
        var failed = await client.GetModelVersionAsync(name, "2", _ct);
        var tags = failed.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal("failed: 1 of 2 checks", tags["keel.validation.status"]);
        Assert.Equal($"runs:/{failed.RunId}/validation/gate-report.json", tags["keel.validation.report"]);
        using var report = new MemoryStream();
        var run = await client.GetRunAsync(failed.RunId!, _ct);
        await client.DownloadArtifactAsync(Keel.Client.KeelClient.RunArtifactsProxyPath(run.Info) + "/validation/gate-report.json", report, _ct);
        using var document = System.Text.Json.JsonDocument.Parse(report.ToArray());
        var change = document.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "min_absolute_change");
        Assert.Equal("FAILED", change.GetProperty("outcome").GetString());
        Assert.Equal("failed", (await client.GetRunAsync(failed.RunId!, _ct)).Data.Tags.Single(t => t.Key == "keel.validation.status").Value[..6]);
    }

    [Fact]
    public async Task Train_ChampionThatCannotScoreTheNewData_IsHeldToItsLoggedTestMetrics()
    {
        var name = KeelServerFixture.UniqueName("train-champion-fallback");
        var first = await CliRun.AgainstAsync(server, "train", _pipelines.Write(name + "-a", name));
        Assert.True(first.ExitCode == 0, first.ToString());

        // The challenger's data lacks a column the champion reads, so the champion cannot be re-scored on it.
        var csv = Path.Combine(_pipelines.Directory, name + ".csv");
        var header = File.ReadLines(TrainPipelines.BreastCancerCsv).First().Split(',');
        var drop = Array.IndexOf(header, "mean_radius");
        File.WriteAllLines(csv, File.ReadLines(TrainPipelines.BreastCancerCsv).Select(l => string.Join(',', l.Split(',').Where((_, i) => i != drop))));
        var pipeline = File.ReadAllText(_pipelines.Write(name + "-b", name, thresholds: "accuracy_score: {min_absolute_change: 0.5}"))
            .Replace(TrainPipelines.BreastCancerCsv, csv, StringComparison.Ordinal);
        var path = Path.Combine(_pipelines.Directory, name + "-b2.yaml");
        File.WriteAllText(path, pipeline);

        var second = await CliRun.AgainstAsync(server, "train", path);

        Assert.True(second.ExitCode == 1, second.ToString());
        Assert.Matches(@"champion\s+@champion: version 1, its run's logged test metrics \(its package cannot score this data: .*mean_radius", second.Out);
        Assert.Matches(@"metric\s+accuracy_score: min_absolute_change\s+\S+\s+>= \S+\s+FAIL", second.Out);
    }

    [Fact]
    public async Task Train_BrokenPipeline_Exit2_ListsEveryProblem()
    {
        var path = Path.Combine(_pipelines.Directory, "broken.yaml");
        await File.WriteAllTextAsync(path, "name: broken\ncolour: red\ndata:\n  path: nope.csv\n  target: y\n  task: binary\ntrainer:\n  name: Sdca\n", _ct);

        var result = await CliRun.AgainstAsync(server, "train", path);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains("colour: unknown key", result.Error, StringComparison.Ordinal);
        Assert.Contains("trainer.name: unknown trainer 'Sdca'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_Sweep_LogsEachTrialAsAChildRun()
    {
        var name = KeelServerFixture.UniqueName("train-sweep");
        var sweep = "sweep:\n  method: grid\n  metric: roc_auc\n  params:\n    l2_regularization: [0.01, 0.1]";
        var pipeline = _pipelines.Write(name, name, sweep: sweep.Replace("\n", "\n            ", StringComparison.Ordinal));

        var result = await CliRun.AgainstAsync(server, "train", pipeline, "--json", "--no-register");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        var parentId = json.GetProperty("run_id").GetString()!;
        Assert.Equal(2, json.GetProperty("child_run_ids").GetArrayLength());
        using var client = server.CreateClient();
        var runs = await client.SearchRunsAsync(new RunSearchQuery([json.GetProperty("experiment_id").GetString()!], $"tags.mlflow.parentRunId = '{parentId}'"), _ct);
        Assert.Equal(2, runs.Items.Count);
        Assert.All(runs.Items, r => Assert.Contains(r.Data.Metrics, m => m.Key == "validation_roc_auc"));
        Assert.Single(runs.Items, r => r.Data.Tags.Any(t => t.Key == "keel.sweep.best" && t.Value == "true"));
        var parent = await client.GetRunAsync(parentId, _ct);
        Assert.Equal("2", parent.Data.Params.Single(p => p.Key == "sweep_trials").Value);
        Assert.Contains(parent.Data.Params, p => p.Key == "l2_regularization");

        // The summary names the winning trial and its parameters.
        var best = json.GetProperty("sweep_best");
        var bestChild = runs.Items.Single(r => r.Data.Tags.Any(t => t.Key == "keel.sweep.best" && t.Value == "true"));
        Assert.Equal(bestChild.Data.Tags.Single(t => t.Key == "keel.sweep.trial").Value, best.GetProperty("trial").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("roc_auc", best.GetProperty("metric").GetString());
        Assert.Equal(
            double.Parse(bestChild.Data.Params.Single(p => p.Key == "l2_regularization").Value, System.Globalization.CultureInfo.InvariantCulture),
            best.GetProperty("parameters").GetProperty("l2_regularization").GetDouble());
    }

    [Fact]
    public void SweepBest_Describe_NamesTrialMetricAndParameters()
    {
        var best = new Keel.ML.Workflows.SweepBest(3, "roc_auc", 0.91234, new Dictionary<string, double> { ["number_of_leaves"] = 31, ["learning_rate"] = 0.1 });

        Assert.Equal("trial 3, validation roc_auc 0.9123: learning_rate=0.1, number_of_leaves=31", best.Describe());
    }

    [Fact]
    public async Task Train_LocalStore_WritesTheRunIntoTheSqliteFile()
    {
        var name = KeelServerFixture.UniqueName("train-local");
        var pipeline = _pipelines.Write(name, name, registration: "stage: Staging");
        var database = Path.Combine(_pipelines.Directory, "store", "keel.db");
        var artifacts = Path.Combine(_pipelines.Directory, "store", "artifacts");

        var result = await CliRun.RunAsync(["train", pipeline, "--backend-store-uri", "sqlite:///" + database, "--artifacts-uri", artifacts, "--json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.StartsWith("sqlite:///", json.GetProperty("backend").GetString(), StringComparison.Ordinal);
        var runId = json.GetProperty("run_id").GetString()!;
        await using var store = new Keel.Storage.Sqlite.SqliteTrackingStore(database, artifacts, TimeProvider.System);
        var run = await store.GetRunAsync(runId, _ct);
        Assert.Equal(RunStatus.Finished, run.Info.Status);
        Assert.Contains(run.Data.Metrics, m => m.Key == "test_accuracy_score");
        var version = await new Keel.Storage.Sqlite.SqliteRegistryStore(store.Database, store.ArtifactRoot).GetModelVersionAsync(name, "1", _ct);
        Assert.Equal("Staging", version.CurrentStage);
        var experimentId = json.GetProperty("experiment_id").GetString()!;
        Assert.True(File.Exists(Path.Combine(artifacts, experimentId, runId, "artifacts", "model", "model.zip")));
    }

    [Fact]
    public async Task Train_DataDoesNotFitThePipeline_Exit2_LeavesNoExperimentOrRunBehind()
    {
        // The data is checked before the experiment and run are created (it used to leave an
        // empty experiment with a FAILED run).
        var name = KeelServerFixture.UniqueName("train-bad-data");
        var pipeline = _pipelines.Write(name, name);
        await File.WriteAllTextAsync(pipeline, (await File.ReadAllTextAsync(pipeline, _ct)).Replace("drop: [diagnosis]", "drop: [diagnosis, no_such_column]", StringComparison.Ordinal), _ct);

        var result = await CliRun.AgainstAsync(server, "train", pipeline);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("no_such_column", result.Error, StringComparison.Ordinal);
        using var client = server.CreateClient();
        var missing = await Assert.ThrowsAsync<KeelException>(() => client.GetExperimentByNameAsync(name, _ct));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, missing.Code);
    }

    [Fact]
    public async Task Train_TrackingUriFromEnvironment_UsesTheServer()
    {
        var name = KeelServerFixture.UniqueName("train-env");
        var pipeline = _pipelines.Write(name, name);

        var result = await CliRun.RunAsync(["train", pipeline, "--no-register", "--json"], new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = server.BaseAddress.AbsoluteUri });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(server.BaseAddress.AbsoluteUri, result.Json().GetProperty("backend").GetString());
        Assert.False(result.Json().TryGetProperty("registration", out _));
        using var client = server.CreateClient();
        Assert.Equal(RunStatus.Finished, (await client.GetRunAsync(result.Json().GetProperty("run_id").GetString()!, _ct)).Info.Status);
    }

    [Fact]
    public async Task Train_ServerAndLocalStoreBothNamed_Exit2()
    {
        var pipeline = _pipelines.Write("both", "both");

        var result = await CliRun.AgainstAsync(server, "train", pipeline, "--backend-store-uri", "sqlite:///" + Path.Combine(_pipelines.Directory, "x.db"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("either --tracking-uri", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_Regression_LocalStore_LogsResidualPlotAndErrorMetrics()
    {
        var name = KeelServerFixture.UniqueName("train-regression");
        var path = Path.Combine(_pipelines.Directory, name + ".yaml");
        await File.WriteAllTextAsync(path, $"""
            name: {name}
            data:
              path: {TrainPipelines.BreastCancerCsv}
              target: mean_area
              task: regression
              drop: [diagnosis, mean_radius, mean_perimeter, worst_area, worst_radius, worst_perimeter]
            trainer:
              name: FastTree
              params:
                number_of_trees: 5
                number_of_leaves: 4
            """, _ct);
        var store = Path.Combine(_pipelines.Directory, "regression-store");

        var result = await CliRun.RunAsync(["train", path, "--backend-store-uri", "sqlite:///" + Path.Combine(store, "keel.db"), "--artifacts-uri", Path.Combine(store, "artifacts"), "--json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.False(json.TryGetProperty("registration", out _));
        var runFolder = Path.Combine(store, "artifacts", json.GetProperty("experiment_id").GetString()!, json.GetProperty("run_id").GetString()!, "artifacts");
        Assert.True(File.Exists(Path.Combine(runFolder, "plots", "residuals.png")));
        Assert.False(File.Exists(Path.Combine(runFolder, "confusion_matrix.json")));
        Assert.True(json.GetProperty("metrics").GetProperty("test").TryGetProperty("root_mean_squared_error", out _));
    }

    [Fact]
    public async Task Train_KFold_LogsCvMeanAndStd_AndImportanceFalseWritesNoImportance()
    {
        var name = KeelServerFixture.UniqueName("train-kfold");
        var path = Path.Combine(_pipelines.Directory, name + ".yaml");
        await File.WriteAllTextAsync(path, $$"""
            name: {{name}}
            data:
              path: {{TrainPipelines.BreastCancerCsv}}
              target: target
              task: binary
              drop: [diagnosis]
            split: {kind: kfold, folds: 3, train: 0.8, validation: 0, test: 0.2}
            trainer:
              name: FastTree
              params: {number_of_trees: 5}
            importance: false
            """, _ct);
        var database = Path.Combine(_pipelines.Directory, "kfold-store", "keel.db");
        var artifacts = Path.Combine(_pipelines.Directory, "kfold-store", "artifacts");

        var result = await CliRun.RunAsync(["train", path, "--backend-store-uri", "sqlite:///" + database, "--artifacts-uri", artifacts, "--json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.True(json.GetProperty("metrics").GetProperty("cv_mean").TryGetProperty("roc_auc", out _));
        var runId = json.GetProperty("run_id").GetString()!;
        await using var store = new Keel.Storage.Sqlite.SqliteTrackingStore(database, artifacts, TimeProvider.System);
        var run = await store.GetRunAsync(runId, _ct);
        Assert.Contains(run.Data.Metrics, m => m.Key == "cv_roc_auc_mean");
        Assert.Contains(run.Data.Metrics, m => m.Key == "cv_roc_auc_std");
        var runFolder = Path.Combine(artifacts, json.GetProperty("experiment_id").GetString()!, runId, "artifacts");
        Assert.True(File.Exists(Path.Combine(runFolder, "metrics.json")));
        Assert.False(File.Exists(Path.Combine(runFolder, "feature_importance.json")));
    }
}
