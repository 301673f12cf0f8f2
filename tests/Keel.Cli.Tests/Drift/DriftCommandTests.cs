using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Keel.Cli.Tests.Drift;

/// <summary>End-to-end tests that run the real <c>keel drift</c> as a process.</summary>
public sealed class DriftCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("keel-drift-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Writes a CSV with a date, a normal column shifted by <paramref name="shift"/>, and a category column.</summary>
    private string WriteCsv(string name, int seed, double shift, string[] cities, int rows = 400, DateTime? start = null)
    {
        var random = new Random(seed);
        var sb = new StringBuilder("date,x,city\n");
        var t0 = start ?? new DateTime(2001, 1, 1);
        for (int i = 0; i < rows; i++)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2) + shift;
            string x = i % 50 == 0 ? "" : z.ToString("R", CultureInfo.InvariantCulture);
            sb.Append(t0.AddHours(i).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append(',').Append(x).Append(',').Append(cities[random.Next(cities.Length)]).Append('\n');
        }

        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static Task<(int Exit, string Out, string Err)> Keel(params string[] args) => KeelWithColumns("200", args);

    /// <summary>Runs keel drift with COLUMNS set to <paramref name="columns"/>, or removed when null (as in a pipe from a script).</summary>
    private static async Task<(int Exit, string Out, string Err)> KeelWithColumns(string? columns, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "keel.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (columns is null)
        {
            psi.Environment.Remove("COLUMNS");
        }
        else
        {
            psi.Environment["COLUMNS"] = columns;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (p.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Output_to_a_pipe_is_not_wrapped_at_80_columns()
    {
        // Regression: with stdout piped and no COLUMNS, Spectre assumed 80 columns and broke
        // words inside cells ("jensensha" / "nnon") and the verdict line.
        var reference = WriteCsv("ref.csv", 1, 0, ["a", "b", "c"]);
        var current = WriteCsv("cur.csv", 2, 0, ["a", "b", "c"]);
        var (exit, output, err) = await KeelWithColumns(null, "drift", "--reference", reference, "--current", current, "--test", "city=jensenshannon");
        Assert.True(exit == 0, err + output);
        Assert.Matches(@"(?m)^.*\bcity\b.*\bjensenshannon\b.*$", output);
        Assert.Matches(@"(?m)^No dataset drift.*current rows 400\)\.$", output);
    }

    [Fact]
    public async Task Same_distribution_exits_0_and_prints_the_table_and_verdict()
    {
        var reference = WriteCsv("ref.csv", 1, 0, ["a", "b", "c"]);
        var current = WriteCsv("cur.csv", 2, 0, ["a", "b", "c"]);
        var (exit, output, err) = await Keel("drift", "--reference", reference, "--current", current);
        Assert.True(exit == 0, err + output);
        Assert.Contains("No dataset drift", output, StringComparison.Ordinal);
        Assert.Contains("ks", output, StringComparison.Ordinal);
        Assert.Contains("chisquare", output, StringComparison.Ordinal);
        Assert.Contains("date/time column skipped", output, StringComparison.Ordinal);
        Assert.Contains("8/8", output, StringComparison.Ordinal); // every 50th x is empty on both sides
    }

    [Fact]
    public async Task Drift_exits_1_and_writes_json_and_html()
    {
        var reference = WriteCsv("ref.csv", 1, 0, ["a", "b", "c"]);
        var current = WriteCsv("cur.csv", 2, 1.0, ["a", "d"]);
        string json = Path.Combine(_dir, "out.json"), html = Path.Combine(_dir, "out.html");
        var (exit, output, err) = await Keel("drift", "--reference", reference, "--current", current, "--test", "x=psi:0.2", "--correction", "bh", "--json", json, "--html", html);
        Assert.True(exit == 1, err + output);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken));
        Assert.True(doc.RootElement.GetProperty("dataset_drift").GetBoolean());
        Assert.Equal("BENJAMINI_HOCHBERG", doc.RootElement.GetProperty("correction").GetString());
        var x = doc.RootElement.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("column").GetString() == "x");
        Assert.Equal("psi", x.GetProperty("test").GetString());
        Assert.Equal(0.2, x.GetProperty("threshold").GetDouble());
        Assert.Equal(8, x.GetProperty("reference").GetProperty("missing").GetInt32());
        string page = await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken);
        Assert.Contains("Dataset drift detected", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_split_one_file_into_reference_and_current()
    {
        var early = WriteCsv("early.csv", 1, 0, ["a", "b"], rows: 300, start: new DateTime(2001, 1, 1));
        var late = WriteCsv("late.csv", 2, 2.0, ["a", "b"], rows: 300, start: new DateTime(2001, 6, 1));
        var both = Path.Combine(_dir, "both.csv");
        await File.WriteAllTextAsync(both, await File.ReadAllTextAsync(early, TestContext.Current.CancellationToken) + string.Join('\n', (await File.ReadAllLinesAsync(late, TestContext.Current.CancellationToken)).Skip(1)) + "\n", TestContext.Current.CancellationToken);
        var (exit, output, err) = await Keel("drift", "--reference", both, "--current", both, "--reference-filter", "date<2001-03-01", "--current-filter", "date>=2001-06-01", "--columns", "x");
        Assert.True(exit == 1, err + output);
        Assert.Contains("1 of 1 columns drifted", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parquet_reference_is_compared_with_csv_current()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 300).Select(_ => (double?)random.NextDouble()).ToArray();
        var cities = Enumerable.Range(0, 300).Select(i => i % 3 == 0 ? "a" : "b").ToArray();
        var parquet = Path.Combine(_dir, "ref.parquet");
        var x = new Parquet.Schema.DataField<double?>("x");
        var city = new Parquet.Schema.DataField<string>("city");
        await using (var file = File.Create(parquet))
        {
            await using var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(x, city), file, cancellationToken: TestContext.Current.CancellationToken);
            using var rg = writer.CreateRowGroup();
            await rg.WriteAsync<double>(x, values.AsMemory(), cancellationToken: TestContext.Current.CancellationToken);
            await rg.WriteAsync(city, cities);
        }

        var csv = new StringBuilder("x,city\n");
        for (int i = 0; i < 300; i++)
        {
            csv.Append((random.NextDouble() + 0.5).ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(cities[i]).Append('\n');
        }

        var current = Path.Combine(_dir, "cur.csv");
        await File.WriteAllTextAsync(current, csv.ToString(), TestContext.Current.CancellationToken);
        var (exit, output, err) = await Keel("drift", "--reference", parquet, "--current", current, "--drift-share", "0.5");
        Assert.True(exit == 1, err + output);
        Assert.Contains("1 of 2 columns drifted", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--current", "MISSING")]
    [InlineData("--correction", "sometimes")]
    [InlineData("--test", "x=astrology")]
    [InlineData("--test", "x=ks:abc")]
    [InlineData("--drift-share", "7")]
    [InlineData("--reference-filter", "no operator here")]
    [InlineData("--columns", "nope")]
    [InlineData("--bogus", "1")]
    public async Task Bad_input_exits_2_with_a_one_line_error(string option, string value)
    {
        var reference = WriteCsv("ref.csv", 1, 0, ["a", "b"]);
        var current = WriteCsv("cur.csv", 2, 0, ["a", "b"]);
        string[] args = option == "--current"
            ? ["drift", "--reference", reference, "--current", Path.Combine(_dir, "missing.csv")]
            : ["drift", "--reference", reference, "--current", current, option, value];
        var (exit, output, err) = await Keel(args);
        Assert.True(exit == 2, $"exit {exit}: {err}{output}");
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_required_option_exits_2()
    {
        var (exit, _, err) = await Keel("drift", "--current", "x.csv");
        Assert.Equal(2, exit);
        Assert.Contains("--reference", err, StringComparison.Ordinal);
    }
}
