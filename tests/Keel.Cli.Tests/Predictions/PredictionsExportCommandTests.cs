using System.Text.Json;
using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Predictions;
using Keel.Core.Data;
using Keel.Data;
using Keel.Monitoring.Performance;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Cli.Tests.Predictions;

/// <summary><c>keel predictions export</c> straight on a local SQLite store.</summary>
public sealed class PredictionsExportCommandTests : IAsyncLifetime
{
    private const long T0 = 1_780_000_000_000; // 2026-05-28T20:26:40Z
    private static readonly string[] Credit = ["Seniority", "Home"];
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-export-").FullName;

    private string Database => Path.Combine(_folder, "keel.db");

    private string[] Local(params string[] args) => [.. args, "--backend-store-uri", "sqlite:///" + Database];

    public async ValueTask InitializeAsync()
    {
        await using var tracking = new SqliteTrackingStore(Database, Path.Combine(_folder, "artifacts"), TimeProvider.System);
        var store = new SqlitePredictionStore(tracking.Database);
        await store.AppendAsync(
        [
            new PredictionLogRecord("a", "credit", "2", T0, 1200, 2, Credit,
                """[[9,"rent"],[17,"owner, \"big\""]]""",
                """[{"predicted_label":"good","probability":0.25},{"predicted_label":"bad","probability":0.75}]"""),
            new PredictionLogRecord("b", "credit", "2", T0 + 60_000, 800, 1, Credit, """[[null,"parents"]]""", """[{"predicted_label":"good","probability":0.1}]"""),
            new PredictionLogRecord("c", "credit", "2", T0 + 3_600_000, 700, 1, Credit, """[[1,"rent"]]""", """[{"predicted_label":"bad","probability":0.9}]"""),
            new PredictionLogRecord("z", "other", "1", T0, 100, 1, ["x"], "[[1]]", "[3.5]"),
        ], TestContext.Current.CancellationToken);
        using var labels = JsonDocument.Parse("""["good","good"]""");
        await store.AddFeedbackAsync(PredictionFeedback.ForRows("a", labels.RootElement, T0 + 10), TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Export_Parquet_OneLinePerScoredRow_WithLabelsAndFlattenedColumns()
    {
        var output = Path.Combine(_folder, "out.parquet");

        var result = await CliRun.RunAsync(Local("predictions", "export", "--model", "credit", "--from", "2026-05-28T20:26:40Z", "--to", (T0 + 3_600_000).ToString(System.Globalization.CultureInfo.InvariantCulture), output));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Exported 3 rows from 2 requests (1 with feedback) of model 'credit'", result.Out, StringComparison.Ordinal);
        var table = await TableReader.ReadAsync(output, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(3, table.RowCount);
        Assert.Equal(["a", "a", "b"], table["request_id"]!.Texts!);
        Assert.Equal([0.0, 1.0, 0.0], table["row_index"]!.Numbers!);
        Assert.Equal(["credit", "credit", "credit"], table["model"]!.Texts!);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 60_000).UtcDateTime, table["timestamp"]!.Times![2]);
        Assert.Equal([1200.0, 1200.0, 800.0], table["latency_us"]!.Numbers!);
        Assert.Equal(["\"good\"", "\"good\"", null], table["label"]!.Texts!);
        Assert.Equal(["good", "bad", "good"], table["predicted_label"]!.Texts!);
        Assert.Equal([0.25, 0.75, 0.1], table["probability"]!.Numbers!);
        Assert.Equal(ColumnKind.Numeric, table["Seniority"]!.Kind);
        Assert.Equal(9.0, table["Seniority"]!.Numbers![0]);
        Assert.True(double.IsNaN(table["Seniority"]!.Numbers![2]));
        Assert.Equal(["rent", "owner, \"big\"", "parents"], table["Home"]!.Texts!);
        Assert.Equal("""{"Seniority":9,"Home":"rent"}""", table["inputs"]!.Texts![0]);
        Assert.Equal("""{"predicted_label":"bad","probability":0.75}""", table["outputs"]!.Texts![1]);
    }

    [Fact]
    public async Task MonitoringWindows_FromTheStore_ComputeAccuracyOverLabelledRows()
    {
        await using var tracking = new SqliteTrackingStore(Database, Path.Combine(_folder, "artifacts"), TimeProvider.System);

        var windows = await PredictionLogMonitoring.WindowsAsync(
            new SqlitePredictionStore(tracking.Database), new PredictionQuery("credit", MaxResults: 1), ModelTask.Classification, TimeSpan.FromHours(1), ["good", "bad"], TestContext.Current.CancellationToken);

        // Hour of T0: request a (good/bad predicted, good/good true) and b (unlabelled); next hour: c (unlabelled).
        Assert.Equal(2, windows.Count);
        Assert.Equal(3, windows[0].Predictions.Count);
        Assert.Equal(2, windows[0].LabelledCount);
        Assert.Equal(0.5, windows[0].Metrics["accuracy"], 12);
        Assert.Equal(0, windows[1].LabelledCount);
        Assert.Empty(windows[1].Metrics);
    }

    [Fact]
    public async Task Export_Csv_QuotesFieldsAndLeavesMissingLabelsEmpty()
    {
        var output = Path.Combine(_folder, "out.csv");

        var result = await CliRun.RunAsync(Local("predictions", "export", "-m", "credit", output, "--json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(4, result.Json().GetProperty("rows").GetInt32());
        Assert.Equal("csv", result.Json().GetProperty("format").GetString());
        var table = await TableReader.ReadAsync(output, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(4, table.RowCount);
        Assert.Equal(["rent", "owner, \"big\"", "parents", "rent"], table["Home"]!.Texts!);
        Assert.Equal(["\"good\"", "\"good\"", null, null], table["label"]!.Texts!);
        Assert.Equal([0.25, 0.75, 0.1, 0.9], table["probability"]!.Numbers!);
    }

    [Fact]
    public async Task Export_HashedInputs_ShowsTheHashPerRow_AndNoInputColumns()
    {
        var first = PredictionInputHash.Of("[9,\"rent\"]"u8);
        var second = PredictionInputHash.Of("[17,\"owner\"]"u8);
        await using (var tracking = new SqliteTrackingStore(Database, Path.Combine(_folder, "artifacts"), TimeProvider.System))
        {
            await new SqlitePredictionStore(tracking.Database).AppendAsync(
                [new PredictionLogRecord("h", "hashed", "1", T0, 100, 2, Credit, $"[\"{first}\",\"{second}\"]", """[{"predicted_label":"good","probability":0.5},{"predicted_label":"bad","probability":0.6}]""")],
                TestContext.Current.CancellationToken);
        }

        var output = Path.Combine(_folder, "hashed.csv");
        var result = await CliRun.RunAsync(Local("predictions", "export", "-m", "hashed", output));

        Assert.True(result.ExitCode == 0, result.ToString());
        var table = await TableReader.ReadAsync(output, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["\"" + first + "\"", "\"" + second + "\""], table["inputs"]!.Texts!);
        Assert.StartsWith("sha256:", first, StringComparison.Ordinal);
        Assert.Equal(PredictionInputHash.Length, first.Length);
        Assert.Null(table["Home"]);
        Assert.Equal([0.5, 0.6], table["probability"]!.Numbers!);
    }

    [Fact]
    public async Task Export_Regression_FlattensThePrediction()
    {
        var output = Path.Combine(_folder, "other.parquet");

        var result = await CliRun.RunAsync(Local("predictions", "export", "--model", "other", output));

        Assert.True(result.ExitCode == 0, result.ToString());
        var table = await TableReader.ReadAsync(output, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal([3.5], table["prediction"]!.Numbers!);
        Assert.Equal([1.0], table["x"]!.Numbers!);
    }

    [Fact]
    public async Task Export_UnknownModel_FailsWithOneLine()
    {
        var result = await CliRun.RunAsync(Local("predictions", "export", "--model", "nope", Path.Combine(_folder, "x.parquet")));

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "No predictions were logged for model 'nope'");
        Assert.False(File.Exists(Path.Combine(_folder, "x.parquet")));
    }

    [Theory]
    [InlineData("--from", "last tuesday", "Invalid time 'last tuesday' for --from")]
    [InlineData("--to", "2026-13-45", "Invalid time '2026-13-45' for --to")]
    public async Task Export_BadTime_FailsWithOneLine(string option, string value, string message)
    {
        var result = await CliRun.RunAsync(Local("predictions", "export", "--model", "credit", option, value, Path.Combine(_folder, "x.parquet")));

        CliRun.AssertOneLineError(result, ExitCodes.Failure, message);
    }

    [Fact]
    public async Task Export_ToBeforeFrom_FailsWithOneLine()
    {
        var result = await CliRun.RunAsync(Local("predictions", "export", "--model", "credit", "--from", "2000", "--to", "1000", Path.Combine(_folder, "x.parquet")));

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "--to (1000) is before --from (2000)");
    }

    [Fact]
    public async Task Export_UnwritablePath_FailsWithOneLine()
    {
        var missingFolder = await CliRun.RunAsync(Local("predictions", "export", "--model", "credit", Path.Combine(_folder, "no", "such", "x.parquet")));
        CliRun.AssertOneLineError(missingFolder, ExitCodes.Failure, "Cannot write");

        var folder = await CliRun.RunAsync(Local("predictions", "export", "--model", "credit", _folder));
        CliRun.AssertOneLineError(folder, ExitCodes.Failure, "it is a folder");
    }

    [Fact]
    public async Task Export_NoDatabase_FailsWithOneLine()
    {
        var result = await CliRun.RunAsync(["predictions", "export", "--model", "credit", "--backend-store-uri", "sqlite:///" + Path.Combine(_folder, "missing.db"), Path.Combine(_folder, "x.parquet")]);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "No Keel database at");
        Assert.False(File.Exists(Path.Combine(_folder, "missing.db")));
    }
}
