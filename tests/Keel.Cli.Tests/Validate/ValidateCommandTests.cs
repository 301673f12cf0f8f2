using System.Globalization;
using Keel.Cli.Tests.Infrastructure;
using Keel.Cli.Tests.Train;

namespace Keel.Cli.Tests.Validate;

/// <summary><c>keel validate</c> on real trained models, against a server and on a local store.</summary>
public sealed class ValidateCommandTests(KeelServerFixture server) : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TrainPipelines _pipelines = new();

    public void Dispose() => _pipelines.Dispose();

    [Fact]
    public async Task Validate_SameDataWithTarget_PassesAndIsRecordedOnTheVersion()
    {
        var (store, name) = await TrainLocalAsync();

        var result = await CliRun.RunAsync(["validate", $"models:/{name}@champion", "--data", TrainPipelines.BreastCancerCsv, .. store, "--json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal("1", json.GetProperty("version").GetString());
        Assert.Equal(569, json.GetProperty("data").GetProperty("rows").GetInt32());
        Assert.True(json.GetProperty("metrics").GetProperty("accuracy_score").GetDouble() > 0.9);
        var gates = json.GetProperty("report").GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("gate").GetString()).ToHashSet();
        Assert.Equal(new HashSet<string?> { "schema", "quality", "metric" }, gates);
        var uri = json.GetProperty("report_uri").GetString()!;
        Assert.Matches("^runs:/[0-9a-f]{32}/validation/validate-\\d{8}T\\d{6}Z\\.json$", uri);

        var file = Directory.GetFiles(store[3], Path.GetFileName(uri), SearchOption.AllDirectories);
        Assert.Single(file);
        Assert.Contains("\"passed\": true", File.ReadAllText(file[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NoTargetColumn_RunsSchemaAndQualityOnly()
    {
        var (store, name) = await TrainLocalAsync();
        var data = WriteCsv("no-target.csv", File.ReadAllLines(TrainPipelines.BreastCancerCsv).Select(l => DropColumns(l, "target", "diagnosis")));

        var result = await CliRun.RunAsync(["validate", $"models:/{name}/1", "--data", data, "--no-record", .. store]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"metric\s+not_run\s+-\s+-\s+skip", result.Out);
        Assert.Contains("report        not recorded", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_DataWithOtherColumns_NamesTheMismatch_NotZeroRows()
    {
        // Regression: data sharing no column with the model was reported as "The data has 0 rows".
        var (store, name) = await TrainLocalAsync();
        var data = WriteCsv("other-columns.csv", ["city,temperature", "Oslo,3.5", "Lima,19.0", "Pune,27.5"]);

        var result = await CliRun.RunAsync(["validate", $"models:/{name}/1", "--data", data, "--no-record", .. store, "--json"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var checks = result.Json().GetProperty("report").GetProperty("checks").EnumerateArray().ToList();
        var quality = checks.Where(c => c.GetProperty("gate").GetString() == "quality").ToList();
        var mismatch = Assert.Single(quality);
        Assert.Equal("comparable_columns", mismatch.GetProperty("check").GetString());
        Assert.Contains("'mean_radius'", mismatch.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("whose columns are 'city', 'temperature'", mismatch.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("0 rows", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ThresholdOption_FailsTheGate_Exit1()
    {
        var (store, name) = await TrainLocalAsync();

        var result = await CliRun.RunAsync(["validate", $"models:/{name}/1", "--data", TrainPipelines.BreastCancerCsv, "--threshold", "log_loss=0.0001", "--no-record", .. store]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"metric\s+log_loss: threshold\s+\S+\s+<= 0\.0001\s+FAIL", result.Out);
        Assert.Contains("gate failed: Metric log_loss value threshold check failed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BrokenData_AgainstServer_Exit1_NamesEveryProblem_AndBlocksPromotion()
    {
        var name = KeelServerFixture.UniqueName("validate");
        var train = await CliRun.AgainstAsync(server, "train", _pipelines.Write(name, name, registration: "alias: challenger"));
        Assert.True(train.ExitCode == 0, train.ToString());

        // mean_radius dropped, a word in mean_texture, and every mean_area far outside training's range.
        var lines = File.ReadAllLines(TrainPipelines.BreastCancerCsv);
        var header = lines[0].Split(',');
        int texture = Array.IndexOf(header, "mean_texture"), area = Array.IndexOf(header, "mean_area");
        var broken = lines.Select((line, i) =>
        {
            var cells = line.Split(',');
            if (i > 0)
            {
                cells[area] = (double.Parse(cells[area], CultureInfo.InvariantCulture) * 100).ToString(CultureInfo.InvariantCulture);
                if (i == 3)
                {
                    cells[texture] = "smooth";
                }
            }

            return DropColumns(string.Join(',', cells), "mean_radius");
        });
        var data = WriteCsv("broken.csv", broken);

        var result = await CliRun.AgainstAsync(server, "validate", $"models:/{name}@challenger", "--data", data);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"schema\s+mean_radius: missing_column\s+-\s+double\s+FAIL", result.Out);
        Assert.Matches(@"schema\s+mean_texture: type\s+string\s+double\s+FAIL", result.Out);
        Assert.Matches(@"schema\s+diagnosis: extra_column\s+string\s+-\s+warn", result.Out);
        Assert.Matches(@"result\s+failed: 3 of \d+ checks", result.Out);
        Assert.Matches(@"quality\s+mean_area: out_of_range_share\s+\S+\s+<= 0\.01\s+FAIL", result.Out);
        Assert.Matches(@"metric\s+not_run\s+-\s+-\s+skip", result.Out);

        using var client = server.CreateClient();
        var version = await client.GetModelVersionAsync(name, "1", _ct);
        var status = version.Tags.Single(t => t.Key == "keel.validation.status").Value;
        Assert.StartsWith("failed: ", status, StringComparison.Ordinal);

        // The failed gate blocks production unless forced with a reason.
        var promote = await CliRun.AgainstAsync(server, "models", "alias", name, "champion", "1");
        Assert.NotEqual(0, promote.ExitCode);
        Assert.Contains("failed its validation gates", promote.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BadInput_Exit2_WithOneLineErrors()
    {
        var (store, name) = await TrainLocalAsync();

        var badUri = await CliRun.RunAsync(["validate", "credit", "--data", TrainPipelines.BreastCancerCsv, .. store]);
        Assert.Equal(2, badUri.ExitCode);
        Assert.Contains("Not a valid models URI", badUri.Error, StringComparison.Ordinal);

        var noFile = await CliRun.RunAsync(["validate", $"models:/{name}/1", "--data", "/nonexistent/x.csv", .. store]);
        Assert.Equal(2, noFile.ExitCode);
        Assert.Contains("does not exist", noFile.Error, StringComparison.Ordinal);

        var noModel = await CliRun.RunAsync(["validate", $"models:/{name}-missing/1", "--data", TrainPipelines.BreastCancerCsv, .. store]);
        Assert.Equal(2, noModel.ExitCode);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", noModel.Error, StringComparison.Ordinal);

        var badThreshold = await CliRun.RunAsync(["validate", $"models:/{name}/1", "--data", TrainPipelines.BreastCancerCsv, "--threshold", "goodness=1", .. store]);
        Assert.Equal(2, badThreshold.ExitCode);
        Assert.Contains("unknown metric 'goodness'", badThreshold.Error, StringComparison.Ordinal);

        var noData = await CliRun.RunAsync(["validate", $"models:/{name}/1", .. store]);
        Assert.NotEqual(0, noData.ExitCode);
        Assert.Contains("--data", noData.Error, StringComparison.Ordinal);
    }

    private async Task<(string[] Store, string Name)> TrainLocalAsync()
    {
        var name = KeelServerFixture.UniqueName("validate-local");
        var folder = Path.Combine(_pipelines.Directory, name);
        string[] store = ["--backend-store-uri", "sqlite:///" + Path.Combine(folder, "keel.db"), "--artifacts-uri", Path.Combine(folder, "artifacts")];
        var train = await CliRun.RunAsync(["train", _pipelines.Write(name, name), .. store]);
        Assert.True(train.ExitCode == 0, train.ToString());
        return (store, name);
    }

    private string WriteCsv(string fileName, IEnumerable<string> lines)
    {
        var path = Path.Combine(_pipelines.Directory, Guid.NewGuid().ToString("N") + "-" + fileName);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string DropColumns(string line, params string[] names)
    {
        var header = File.ReadLines(TrainPipelines.BreastCancerCsv).First().Split(',');
        var drop = names.Select(n => Array.IndexOf(header, n)).ToHashSet();
        return string.Join(',', line.Split(',').Where((_, i) => !drop.Contains(i)));
    }
}
