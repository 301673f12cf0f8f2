using Keel.Cli.Tests.Infrastructure;
using Keel.Cli.Tests.Train;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Monitoring.Reference;
using Keel.Storage.Artifacts;
using Keel.Storage.Sqlite;

namespace Keel.Cli.Tests.Monitor;

/// <summary><c>keel monitor baseline</c> on a real trained model, on a local store and against a server.</summary>
public sealed class MonitorBaselineCommandTests(KeelServerFixture server) : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TrainPipelines _pipelines = new();

    public void Dispose() => _pipelines.Dispose();

    [Fact]
    public async Task Baseline_LocalStore_ReplacesTheTrainingSample_ThenAReplacementWins_EachChangeAudited()
    {
        var (store, name) = await TrainLocalAsync();
        var (db, artifacts) = (store[1]["sqlite:///".Length..], store[3]);

        var training = await ReferenceAsync(db, artifacts, name);
        Assert.Equal(ModelReferenceSource.TrainingSource, training!.Source);
        Assert.Equal(456, training.Inputs.RowCount); // the training split of 569 rows (80 %, and the rounding row)
        Assert.Equal(30, training.Inputs.Columns.Count);
        Assert.Equal(["prediction", "probability"], training.Predictions!.Columns.Select(c => c.Name));

        var first = WriteCsv("first.csv", File.ReadLines(TrainPipelines.BreastCancerCsv).Take(101));
        var set = await CliRun.RunAsync(["monitor", "baseline", name, "--data", first, .. store, "--json"]);
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal(100, set.Json().GetProperty("info").GetProperty("rows").GetInt32());
        Assert.False(set.Json().TryGetProperty("previous_uri", out _)); // nothing replaced

        var baseline = await ReferenceAsync(db, artifacts, name);
        Assert.EndsWith("first.csv", baseline!.Source, StringComparison.Ordinal);
        Assert.Equal(100, baseline.Inputs.RowCount);
        Assert.Null(baseline.Predictions);
        var original = await Keel.Data.TableReader.ReadAsync(TrainPipelines.BreastCancerCsv, cancellationToken: _ct);
        Assert.Equal(original["mean_radius"]!.Numbers![..100], baseline.Inputs["mean_radius"]!.Numbers!);

        var second = WriteCsv("second.csv", File.ReadLines(TrainPipelines.BreastCancerCsv).Take(51));
        var replace = await CliRun.RunAsync(["monitor", "baseline", $"{name}/1", "--data", second, .. store, "-m", "fresher traffic"]);
        Assert.True(replace.ExitCode == 0, replace.ToString());
        Assert.Contains("replaces mlflow-artifacts:/keel-baselines/", replace.Out, StringComparison.Ordinal);
        Assert.Equal(50, (await ReferenceAsync(db, artifacts, name))!.Inputs.RowCount);

        await using var tracking = new SqliteTrackingStore(db, artifacts, TimeProvider.System);
        var events = await new SqliteRegistryStore(tracking.Database, tracking.ArtifactRoot).ListEventsAsync(new RegistryEventQuery(name), _ct);
        var tagEvents = events.Items.Where(e => e.Kind == RegistryEventKinds.VersionTagSet && e.Target == ReferenceSampleFiles.BaselineTag).ToList();
        Assert.Equal(2, tagEvents.Count);
        Assert.Contains(tagEvents, e => e.Comment == "fresher traffic" && e.From is not null);
    }

    [Fact]
    public async Task Baseline_Labelled_TheModelScoresEveryRow_AndTheBaselineKeepsALabelledReference_WhereTrainingKeptTheHeldOutRows()
    {
        var (store, name) = await TrainLocalAsync();
        var (db, artifacts) = (store[1]["sqlite:///".Length..], store[3]);

        // Training kept the held-out rows (569 − 456 training rows), labelled, with the positive class's probability.
        var training = (await ReferenceAsync(db, artifacts, name))!.Labelled!;
        Assert.Equal(113, training.Labels.Count);
        Assert.Equal(2, training.Classes.Count);

        var set = await CliRun.RunAsync(["monitor", "baseline", name, "--data", TrainPipelines.BreastCancerCsv, "--labelled", .. store, "--json"]);
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal(569, set.Json().GetProperty("info").GetProperty("labelled_rows").GetInt32());

        var baseline = (await ReferenceAsync(db, artifacts, name))!;
        Assert.Equal(569, baseline.Predictions!.RowCount);
        var labelled = baseline.Labelled!;
        Assert.Equal(training.Classes, labelled.Classes);
        var original = await Keel.Data.TableReader.ReadAsync(TrainPipelines.BreastCancerCsv, cancellationToken: _ct);
        Assert.Equal(original["target"]!.Numbers!.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)), labelled.Labels);

        // The model's own probabilities: the predicted class is the more probable one, and the
        // model (which trained on 80 % of these rows) is right on nearly all of them.
        var predicted = baseline.Predictions[ReferenceSampleFiles.PredictionColumn]!.Texts!;
        Assert.All(Enumerable.Range(0, 569), r => Assert.Equal(labelled.Classes[labelled.Probabilities[r][1] >= 0.5 ? 1 : 0], predicted[r]));
        var right = Enumerable.Range(0, 569).Count(r => predicted[r] == labelled.Labels[r]);
        Assert.True(right > 0.9 * 569, $"{right} of 569 right");

        var header = File.ReadLines(TrainPipelines.BreastCancerCsv).First();
        var rows = File.ReadLines(TrainPipelines.BreastCancerCsv).Skip(1).Take(3).ToArray();
        var target = Array.IndexOf(header.Split(','), "target");
        var relabelled = rows.Select((r, i) => string.Join(',', r.Split(',').Select((c, j) => j == target && i == 1 ? "7" : c)));
        CliRun.AssertOneLineError(await CliRun.RunAsync(["monitor", "baseline", name, "--data", TrainPipelines.BreastCancerCsv, "--target", "nope", .. store]), 1, "has no column 'nope' of true classes");
        CliRun.AssertOneLineError(await CliRun.RunAsync(["monitor", "baseline", name, "--data", WriteCsv("seven.csv", [header, .. relabelled]), "--labelled", .. store]), 1, "column 'target' holds 1 value(s) that are not the model's classes");
        Assert.Equal(569, (await ReferenceAsync(db, artifacts, name))!.Labelled!.Labels.Count);
    }

    [Fact]
    public async Task Baseline_AgainstServer_WritesThroughTheServer_AndTagsTheVersion()
    {
        var name = KeelServerFixture.UniqueName("baseline-server");
        var train = await CliRun.AgainstAsync(server, "train", _pipelines.Write(name, name));
        Assert.True(train.ExitCode == 0, train.ToString());
        var data = WriteCsv("server.csv", File.ReadLines(TrainPipelines.BreastCancerCsv).Take(41));

        var result = await CliRun.AgainstAsync(server, "monitor", "baseline", $"models:/{name}/1", "--data", data, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var uri = result.Json().GetProperty("uri").GetString()!;
        Assert.StartsWith("mlflow-artifacts:/keel-baselines/", uri, StringComparison.Ordinal);
        using var client = server.CreateClient();
        var version = await client.GetModelVersionAsync(name, "1", _ct);
        Assert.Equal(uri, version.Tags.Single(t => t.Key == ReferenceSampleFiles.BaselineTag).Value);
    }

    [Fact]
    public async Task Baseline_HostileInput_ClearErrorNonZeroExit_AndTheVersionKeepsItsReference()
    {
        var (store, name) = await TrainLocalAsync();
        var (db, artifacts) = (store[1]["sqlite:///".Length..], store[3]);
        var header = File.ReadLines(TrainPipelines.BreastCancerCsv).First();
        var row = File.ReadLines(TrainPipelines.BreastCancerCsv).Skip(1).First();
        var cells = row.Split(',');
        cells[Array.IndexOf(header.Split(','), "mean_radius")] = "not-a-number";
        var binary = Path.Combine(_pipelines.Directory, "junk.bin");
        await File.WriteAllBytesAsync(binary, [0, 1, 2, 0xFF, 0xFE, 0, 0, 7], _ct);

        (string[] Args, string Says)[] cases =
        [
            (["monitor", "baseline", name, "--data", Path.Combine(_pipelines.Directory, "absent.csv")], "does not exist"),
            (["monitor", "baseline", name, "--data", WriteCsv("headeronly.csv", [header])], "no rows"),
            (["monitor", "baseline", name, "--data", WriteCsv("other.csv", ["city,temperature", "Oslo,3.5"])], "lacks the model's input columns 'mean_radius'"),
            (["monitor", "baseline", name, "--data", WriteCsv("text.csv", [header, string.Join(',', cells)])], "column 'mean_radius' is numeric in the model's signature but 1 of its cells is not (e.g. 'not-a-number')"),
            (["monitor", "baseline", name, "--data", binary], "Cannot use 'junk.bin' as a baseline"),
            (["monitor", "baseline", name + "-absent", "--data", TrainPipelines.BreastCancerCsv], "RESOURCE_DOES_NOT_EXIST"),
            (["monitor", "baseline", name + "/9", "--data", TrainPipelines.BreastCancerCsv], "RESOURCE_DOES_NOT_EXIST"),
            (["monitor", "baseline", name + "/abc", "--data", TrainPipelines.BreastCancerCsv], "expected NAME or NAME/VERSION"),
            (["monitor", "baseline", "../../etc/1", "--data", TrainPipelines.BreastCancerCsv], "RESOURCE_DOES_NOT_EXIST"),
        ];
        foreach (var (args, says) in cases)
        {
            var result = await CliRun.RunAsync([.. args, .. store]);
            CliRun.AssertOneLineError(result, 1, says);
        }

        var noData = await CliRun.RunAsync(["monitor", "baseline", name, .. store]);
        Assert.NotEqual(0, noData.ExitCode);
        Assert.Contains("--data", noData.Error, StringComparison.Ordinal);

        Assert.Equal(ModelReferenceSource.TrainingSource, (await ReferenceAsync(db, artifacts, name))!.Source);
        Assert.False(Directory.Exists(Path.Combine(artifacts, ReferenceSampleFiles.BaselineRoot)));
    }

    [Fact]
    public async Task Train_ReferenceRowsOption_OverridesThePipeline_AndABadValueIsAUsageError()
    {
        var name = KeelServerFixture.UniqueName("reference-rows");
        var folder = Path.Combine(_pipelines.Directory, name);
        string[] store = ["--backend-store-uri", "sqlite:///" + Path.Combine(folder, "keel.db"), "--artifacts-uri", Path.Combine(folder, "artifacts")];
        var pipeline = _pipelines.Write(name, name);

        var train = await CliRun.RunAsync(["train", pipeline, "--reference-rows", "50", .. store]);
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Equal(50, (await ReferenceAsync(store[1]["sqlite:///".Length..], store[3], name))!.Inputs.RowCount);

        var bad = await CliRun.RunAsync(["train", pipeline, "--reference-rows", "-3", .. store]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--reference-rows: expected a whole number from 0 to 1000000, got -3.", bad.Error, StringComparison.Ordinal);
    }

    private async Task<ModelReference?> ReferenceAsync(string db, string artifacts, string name)
    {
        await using var tracking = new SqliteTrackingStore(db, artifacts, TimeProvider.System);
        return await new ModelReferenceSource(new SqliteRegistryStore(tracking.Database, tracking.ArtifactRoot), tracking, new LocalArtifactStore(artifacts)).GetAsync(name, "1", _ct);
    }

    private async Task<(string[] Store, string Name)> TrainLocalAsync()
    {
        var name = KeelServerFixture.UniqueName("baseline-local");
        var folder = Path.Combine(_pipelines.Directory, name);
        string[] store = ["--backend-store-uri", "sqlite:///" + Path.Combine(folder, "keel.db"), "--artifacts-uri", Path.Combine(folder, "artifacts")];
        var train = await CliRun.RunAsync(["train", _pipelines.Write(name, name), .. store]);
        Assert.True(train.ExitCode == 0, train.ToString());
        return (store, name);
    }

    private string WriteCsv(string fileName, IEnumerable<string> lines)
    {
        var path = Path.Combine(_pipelines.Directory, Guid.NewGuid().ToString("N")[..8] + "-" + fileName);
        File.WriteAllLines(path, lines);
        return path;
    }
}
