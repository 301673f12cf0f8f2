using System.Globalization;
using System.Text.Json;
using System.Text;
using Keel.Cli.Drift;
using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Data;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.ML.Workflows;
using Keel.Monitoring.Data;
using Keel.Server.Serving;
using Spectre.Console;

namespace Keel.Cli.Tests.Data;

/// <summary>
/// Issue 11, item 7: one file fed to every entry point that reads a table (train's data
/// preparation, validate, drift, CSV scoring) gives the same row count, missing count, categories
/// and numeric mean per column, under the default rule and under <c>na_values</c>.
/// </summary>
public sealed class OneReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-one-reader-").FullName;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Empty cells, NA, None, null, quoted commas and quotes, numbers in two notations, categories.</summary>
    private string MixedCsv()
    {
        var text = new StringBuilder("id,price,colour,note,size\n");
        for (var block = 0; block < 5; block++)
        {
            var id = block * 6;
            text.Append(CultureInfo.InvariantCulture, $"{id + 1},10.5,red,\"a, b\",S\n");
            text.Append(CultureInfo.InvariantCulture, $"{id + 2},,None,\"c, \"\"d\"\"\",M\n");
            text.Append(CultureInfo.InvariantCulture, $"{id + 3},NA,NA,null,\n");
            text.Append(CultureInfo.InvariantCulture, $"{id + 4},8.25,\"blue\",None,L\n");
            text.Append(CultureInfo.InvariantCulture, $"{id + 5},7,null,\"\",XL\n");
            text.Append(CultureInfo.InvariantCulture, $"{id + 6},1e1,red,plain,S\n");
        }

        var path = Path.Combine(_dir, "mixed.csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static string AmesCsv => Path.Combine(RepositoryRoot(), "tests", "Keel.ML.Tests", "Data", "ames_1000.csv");

    [Fact]
    public async Task Default_rule_every_entry_point_sees_the_same_columns_and_None_NA_null_are_values()
    {
        var seen = await SeenByEveryEntryPointAsync(MixedCsv(), "id", naValues: null);

        var price = seen.Single(c => c.Name == "price");
        Assert.Equal((30, 5), (price.Rows, price.Missing));
        Assert.Equal(["10.5", "1e1", "7", "8.25", "NA"], price.Categories!);
        Assert.Equal(["NA", "None", "blue", "null", "red"], seen.Single(c => c.Name == "colour").Categories!);
        var note = seen.Single(c => c.Name == "note");
        Assert.Equal(5, note.Missing);
        Assert.Equal(["None", "a, b", "c, \"d\"", "null", "plain"], note.Categories!);
    }

    [Fact]
    public async Task Na_values_every_entry_point_reads_NA_and_null_as_missing_and_keeps_None()
    {
        var seen = await SeenByEveryEntryPointAsync(MixedCsv(), "id", naValues: ["NA", "null"]);

        var price = seen.Single(c => c.Name == "price");
        Assert.Equal((30, 10), (price.Rows, price.Missing));
        Assert.Null(price.Categories);
        Assert.Equal((10.5 + 8.25 + 7 + 10) / 4, price.Mean!.Value, 12);
        var colour = seen.Single(c => c.Name == "colour");
        Assert.Equal(10, colour.Missing);
        Assert.Equal(["None", "blue", "red"], colour.Categories!);
    }

    [Fact]
    public async Task Ames_every_entry_point_keeps_Mas_Vnr_Type_None_as_a_category()
    {
        var seen = await SeenByEveryEntryPointAsync(AmesCsv, "Sale_Price", naValues: null);

        Assert.Equal(74, seen.Count);
        Assert.All(seen, c => Assert.Equal(1000, c.Rows));
        Assert.All(seen, c => Assert.Equal(0, c.Missing));
        var masonry = seen.Single(c => c.Name == "Mas_Vnr_Type");
        Assert.Equal(["BrkCmn", "BrkFace", "None", "Stone"], masonry.Categories!);
    }

    [Fact]
    public async Task Ames_with_pandas_na_values_every_entry_point_loses_None_alike()
    {
        var seen = await SeenByEveryEntryPointAsync(AmesCsv, "Sale_Price", naValues: ["pandas"]);

        var masonry = seen.Single(c => c.Name == "Mas_Vnr_Type");
        Assert.Equal(613, masonry.Missing);
        Assert.Equal(["BrkCmn", "BrkFace", "Stone"], masonry.Categories!);
    }

    [Fact]
    public async Task Drift_on_Ames_counts_Mas_Vnr_Type_None_as_a_category_not_as_missing()
    {
        // Regression: keel drift read "None" (61% of Mas_Vnr_Type) as missing, unlike training.
        var json = Path.Combine(_dir, "drift.json");
        var run = await CliRun.RunAsync(["drift", "--reference", AmesCsv, "--current", AmesCsv, "--columns", "Mas_Vnr_Type", "--json", json]);
        Assert.True(run.ExitCode == DriftCommand.NoDrift, run.ToString());

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json, _ct));
        var column = report.RootElement.GetProperty("columns")[0];
        var reference = column.GetProperty("reference");
        Assert.Equal(1000, reference.GetProperty("count").GetInt64());
        Assert.Equal(0, reference.GetProperty("missing").GetInt64());
        Assert.Equal(4, reference.GetProperty("distinct").GetInt32());
        Assert.Contains("None", column.GetProperty("chart").GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
    }

    /// <summary>
    /// Reads <paramref name="path"/> as train (the pipeline file's <c>na_values</c>), validate
    /// (its loader, with the model signature training gives), drift (<c>keel drift --na-values</c>
    /// as a command and its loader) and CSV scoring (<c>Keel:Serving:CsvNaValues</c>), asserts that
    /// all of them see the same statistics, and returns them.
    /// </summary>
    private async Task<List<ColumnStats>> SeenByEveryEntryPointAsync(string path, string target, string[]? naValues)
    {
        var missing = new MissingValues(naValues);
        var naYaml = naValues is null ? string.Empty : $"  na_values: [{string.Join(", ", naValues.Select(v => $"\"{v}\""))}]";
        var pipeline = PipelineParser.Parse($"""
            name: one-reader
            experiment: one-reader
            data:
              path: {path}
              target: {target}
              task: regression
            {naYaml}
            trainer:
              name: Sdca
            """, Path.Combine(_dir, "pipeline.yaml"));
        var prepared = await TrainingRunner.PrepareAsync(pipeline, cancellationToken: _ct);
        var train = Stats(prepared.Table.Columns);

        var schema = prepared.Table.Schema();
        var signature = new ModelSignature([.. schema.Where(c => c.Key != target).Select(c => new ColumnSpec(c.Key, c.Value))], [new ColumnSpec("prediction", ColumnType.Double)]);
        var validate = Stats((await ValidateSession.LoadDataAsync(path, signature, missing, _ct)).Columns);

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        var driftTable = await DriftRunner.LoadAsync(path, missing, console, _ct);
        var drift = Stats(driftTable.Columns.Where(c => c.ToDriftColumn() is not null));

        var scoring = ScoringStats(path, signature, naValues);

        Assert.Equal(train, validate);
        Assert.Equal(train.Where(c => c.Kind != ColumnKind.DateTime), drift);
        Assert.Equal(train.Where(c => c.Name != target), scoring);
        await AssertDriftCommandAgreesAsync(path, naValues, drift);
        return train;
    }

    /// <summary>The real <c>keel drift --json</c> reports the same counts, missing values and category counts.</summary>
    private async Task AssertDriftCommandAgreesAsync(string path, string[]? naValues, List<ColumnStats> expected)
    {
        var json = Path.Combine(_dir, "drift-" + Guid.NewGuid().ToString("N") + ".json");
        string[] args = ["drift", "--reference", path, "--current", path, "--json", json, .. naValues is null ? Array.Empty<string>() : ["--na-values", string.Join(',', naValues)]];
        var run = await CliRun.RunAsync(args);
        Assert.True(run.ExitCode == DriftCommand.NoDrift, run.ToString());
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json, _ct));
        foreach (var column in report.RootElement.GetProperty("columns").EnumerateArray())
        {
            var stats = expected.Single(c => c.Name == column.GetProperty("column").GetString());
            var side = column.GetProperty("reference");
            Assert.Equal(stats.Rows - stats.Missing, side.GetProperty("count").GetInt64());
            Assert.Equal(stats.Missing, side.GetProperty("missing").GetInt64());
            if (stats.Categories is { } categories)
            {
                Assert.Equal(categories.Count, side.GetProperty("distinct").GetInt32());
            }
        }
    }

    private static List<ColumnStats> ScoringStats(string path, ModelSignature signature, string[]? naValues)
    {
        var options = new ScoringOptions { CsvNaValues = naValues is null ? null : string.Join(',', naValues) };
        var rows = ScoringInput.ParseCsv(File.ReadAllText(path), signature.Inputs, options);
        var result = new List<ColumnStats>();
        foreach (var input in signature.Inputs)
        {
            var numeric = ColumnKinds.Of(input.Type) == ColumnKind.Numeric;
            var cells = rows.Select(r => r[input.Name]).ToArray();
            var missing = cells.Count(c => c.ValueKind == JsonValueKind.Null);
            var present = cells.Where(c => c.ValueKind != JsonValueKind.Null).ToArray();
            result.Add(numeric
                ? new ColumnStats(input.Name, ColumnKind.Numeric, cells.Length, missing, null, present.Length == 0 ? null : present.Sum(c => c.GetDouble()) / present.Length)
                : new ColumnStats(input.Name, input.Type == ColumnType.DateTime ? ColumnKind.DateTime : ColumnKind.Categorical, cells.Length, missing, Distinct(present.Select(c => c.GetString())), null));
        }

        return result;
    }

    private static List<ColumnStats> Stats(IEnumerable<DataColumn> columns) =>
        [.. columns.Select(c => c.Kind == ColumnKind.Numeric
            ? new ColumnStats(c.Name, ColumnKind.Numeric, c.Length, c.MissingCount, null, Mean(c.Numbers!))
            : new ColumnStats(c.Name, c.Kind == ColumnKind.DateTime ? ColumnKind.DateTime : ColumnKind.Categorical, c.Length, c.MissingCount, c.Texts is { } texts ? Distinct(texts) : null, null))];

    private static double? Mean(double[] numbers)
    {
        var present = numbers.Where(x => !double.IsNaN(x)).ToArray();
        return present.Length == 0 ? null : present.Sum() / present.Length;
    }

    private static string[] Distinct(IEnumerable<string?> values) => [.. values.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keel.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Keel.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>What one entry point saw in one column; categories for label columns, the mean for numeric ones.</summary>
    private sealed record ColumnStats(string Name, ColumnKind Kind, int Rows, int Missing, IReadOnlyList<string>? Categories, double? Mean)
    {
        public bool Equals(ColumnStats? other) =>
            other is not null && Name == other.Name && Kind == other.Kind && Rows == other.Rows && Missing == other.Missing
            && (Categories ?? []).SequenceEqual(other.Categories ?? [], StringComparer.Ordinal) && Nullable.Equals(Mean, other.Mean);

        public override int GetHashCode() => HashCode.Combine(Name, Rows, Missing);

        public override string ToString() => $"{Name} {Kind} rows={Rows} missing={Missing} mean={Mean?.ToString("R", CultureInfo.InvariantCulture)} categories=[{string.Join("|", Categories ?? [])}]";
    }
}
