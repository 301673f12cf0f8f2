using System.Globalization;
using System.Text;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Core.Validation.Gates;
using Keel.Data;
using Keel.Monitoring.Drift;
using Keel.Monitoring.Monitors;
using Keel.Monitoring.Reference;

namespace Keel.Monitoring.Tests.Monitors;

/// <summary>
/// The pass on what the fast path collects (the byte scanner, several builders of chunked columns
/// joined as <see cref="MonitoringPass.RunAsync"/> joins them) gives bit for bit the result of the
/// pass on what the reference path collects (the Utf8JsonReader path, one builder), on a window
/// with missing values, categoricals, NaN, huge and tiny numbers and malformed records.
/// </summary>
public sealed class MonitoringPassFastPathTests
{
    private static readonly string[] Columns = ["amount", "ratio", "city", "tier"];

    private static readonly ModelSignature Signature = new(
        [new ColumnSpec("amount", ColumnType.Double), new ColumnSpec("ratio", ColumnType.Double), new ColumnSpec("city", ColumnType.String), new ColumnSpec("tier", ColumnType.String)],
        [new ColumnSpec("predicted_label", ColumnType.String), new ColumnSpec("probability", ColumnType.Double)]);

    private static readonly string[] Oddities = ["null", "\"abc\"", "\"\"", "1e308", "-1.7976931348623157e308", "5e-324", "2.2250738585072014e-308", "-0", "1e400", "\"NaN\"", "true", "123456789012345678901234567890"];

    [Fact]
    public void Pass_OnFastPathChunkedWindow_IsBitIdenticalToThePassOnTheReferencePath()
    {
        var version = Version();
        var records = Records(150_000, seed: 7).ToList();
        var options = new MonitoringPassOptions { MaxDriftRows = 0 };

        var reference = new PredictionWindowBuilder(Signature) { FastPath = false };
        foreach (var (inputs, outputs) in records)
        {
            reference.Add(inputs, outputs, Columns);
        }

        // Pages of 997 dealt in turn to three builders, as RunAsync deals pages to its workers.
        var builders = Enumerable.Range(0, 3).Select(_ => new PredictionWindowBuilder(Signature)).ToArray();
        for (var start = 0; start < records.Count; start += 997)
        {
            var builder = builders[start / 997 % 3];
            foreach (var (inputs, outputs) in records.Skip(start).Take(997))
            {
                builder.Add(inputs, outputs, Columns);
            }
        }

        Assert.True(builders.Sum(b => b.FastInputs) > records.Count / 2, "the fast path must read most of these requests");
        var slowWindow = reference.Build();
        var fastWindow = PredictionWindowBuilder.Build(builders);
        Assert.True(slowWindow.MalformedRequests > 0);
        Assert.Equal((slowWindow.Requests, slowWindow.RequestsWithoutInputs, slowWindow.MalformedRequests, slowWindow.InputRows, slowWindow.PredictionRows),
            (fastWindow.Requests, fastWindow.RequestsWithoutInputs, fastWindow.MalformedRequests, fastWindow.InputRows, fastWindow.PredictionRows));

        var slow = MonitoringPass.Run(version, slowWindow, options);
        var fast = MonitoringPass.Run(version, fastWindow, options);
        AssertSame(slow.InputDrift!, fast.InputDrift!);
        AssertSame(slow.PredictionDrift!, fast.PredictionDrift!);
        Assert.Equal(slow.Quality!.Checks.Select(c => (c.Column, c.Kind, c.Outcome, Bits(c.Value))), fast.Quality!.Checks.Select(c => (c.Column, c.Kind, c.Outcome, Bits(c.Value))));
    }

    /// <summary>
    /// Above the cap, a builder that samples while reading parses only the sampled rows' inputs; the
    /// window it builds, and the pass's verdict on it, are those the documented rule defines: parse
    /// every request, number the input rows of the requests that are whole (multi-row requests give
    /// one row each; requests without inputs, hash-mode rows and malformed requests none) in log
    /// order, and keep RowSample's rows (the k smallest keys of the window's stream). Every count is
    /// the full parse's. With both the byte scanner and the reader path, and under the cap (every
    /// row, in log order, unmarked).
    /// </summary>
    [Theory]
    [InlineData(true, 5_000)]
    [InlineData(false, 5_000)]
    [InlineData(true, 1_000_000)]
    public void SampledWhileReading_IsTheDocumentedSample_OfTheFullParse_WithEveryCountExact(bool fastPath, int cap)
    {
        var version = Version();
        var records = Records(12_000, seed: 11).ToList();
        // Requests without inputs (none and hash mode), and a malformed output, among the rows.
        records.Insert(10, ([], records[10].Outputs));
        records.Insert(20, ("[\"9f86d081\",\"9f86d082\"]"u8.ToArray(), records[20].Outputs));
        records.Insert(30, ("[]"u8.ToArray(), records[30].Outputs));
        records.Insert(40, (records[40].Inputs, "[{\"predicted_label\":"u8.ToArray()));
        records.Insert(50, ("[[1,2,\"Lyon\",\"0\"],\"9f86d081\"]"u8.ToArray(), records[50].Outputs));
        var seed = RowSample.Seed("fast/1/window");

        var full = new PredictionWindowBuilder(Signature) { FastPath = fastPath };
        var sampling = new PredictionWindowBuilder(Signature) { FastPath = fastPath }.SampleInputs(cap, seed);
        foreach (var (inputs, outputs) in records)
        {
            full.Add(inputs, outputs, Columns);
            sampling.Add(inputs, outputs, Columns);
        }

        var all = full.Build();
        var sampled = sampling.Build();
        Assert.True(all.MalformedRequests > 0 && all.RequestsWithoutInputs >= 4 && all.InputRows > 12_000, $"{all.MalformedRequests} malformed, {all.RequestsWithoutInputs} without inputs, {all.InputRows} rows");
        Assert.Equal((all.Requests, all.RequestsWithoutInputs, all.MalformedRequests, all.InputRows, all.PredictionRows),
            (sampled.Requests, sampled.RequestsWithoutInputs, sampled.MalformedRequests, sampled.InputRows, sampled.PredictionRows));
        Assert.Equal(all.Predictions.Select(c => c.Numbers ?? []), sampled.Predictions.Select(c => c.Numbers ?? []));

        var rows = RowSample.Indices(all.InputRows, cap, seed);
        Assert.Equal(cap < all.InputRows ? all.InputRows : null, sampled.LoggedInputRows);
        Assert.Equal(rows.Length, sampled.Inputs[0].Length);
        for (var c = 0; c < all.Inputs.Count; c++)
        {
            var expected = all.Inputs[c].Take(rows);
            Assert.Equal(expected.Numbers?.Select(BitConverter.DoubleToInt64Bits), sampled.Inputs[c].Numbers?.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(expected.Texts, sampled.Inputs[c].Texts);
        }

        // The verdict: the pass on the sampled window is the pass on the full window (which draws RowSample's rows itself).
        var options = new MonitoringPassOptions { MaxDriftRows = cap };
        var expectedPass = MonitoringPass.Run(version, all, options, "fast/1/window");
        var actualPass = MonitoringPass.Run(version, sampled, options, "fast/1/window");
        Assert.Equal((expectedPass.InputRows, expectedPass.SampledInputRows), (actualPass.InputRows, actualPass.SampledInputRows));
        AssertSame(expectedPass.InputDrift!, actualPass.InputDrift!);
        Assert.Equal(expectedPass.Quality!.Checks.Select(c => (c.Column, c.Kind, c.Outcome, Bits(c.Value))), actualPass.Quality!.Checks.Select(c => (c.Column, c.Kind, c.Outcome, Bits(c.Value))));
    }

    private static void AssertSame(DriftReport expected, DriftReport actual)
    {
        Assert.Equal(expected.CurrentRows, actual.CurrentRows);
        Assert.Equal(expected.DatasetDrift, actual.DatasetDrift);
        Assert.Equal(expected.Columns.Count, actual.Columns.Count);
        foreach (var (e, a) in expected.Columns.Zip(actual.Columns))
        {
            Assert.Equal((e.Column, e.Status, e.Test, e.Drifted), (a.Column, a.Status, a.Test, a.Drifted));
            Assert.Equal(Bits(e.Statistic), Bits(a.Statistic));
            Assert.Equal(Bits(e.PValue), Bits(a.PValue));
            Assert.Equal(Bits(e.AdjustedPValue), Bits(a.AdjustedPValue));
        }
    }

    private static long? Bits(double? value) => value is { } v ? BitConverter.DoubleToInt64Bits(v) : null;

    /// <summary>Logged requests, mostly one row, some several; one cell in 50 an oddity, one request in 400 malformed.</summary>
    private static IEnumerable<(byte[] Inputs, byte[] Outputs)> Records(int count, int seed)
    {
        var random = new Random(seed);
        string[] cities = ["Lyon", "Paris", "Nice", "Brest", "Zürich", "a\\\"b"];
        var row = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var rows = random.Next(20) == 0 ? random.Next(2, 5) : 1;
            row.Clear().Append('[');
            for (var r = 0; r < rows; r++)
            {
                row.Append(r > 0 ? ",[" : "[")
                    .Append(Cell(random, (random.NextDouble() * 1000).ToString("R", CultureInfo.InvariantCulture))).Append(',')
                    .Append(Cell(random, (random.NextDouble() - 0.5).ToString("R", CultureInfo.InvariantCulture))).Append(',')
                    .Append(Cell(random, "\"" + cities[random.Next(cities.Length)] + "\"")).Append(',')
                    .Append(Cell(random, random.Next(3).ToString(CultureInfo.InvariantCulture)))
                    .Append(']');
            }

            row.Append(']');
            if (random.Next(400) == 0)
            {
                row.Length -= random.Next(1, 4); // cut short: malformed
            }

            var probability = random.NextDouble();
            var outputs = $"[{{\"predicted_label\":\"{(probability >= 0.5 ? "bad" : "good")}\",\"probability\":{probability.ToString("R", CultureInfo.InvariantCulture)}}}]";
            yield return (Encoding.UTF8.GetBytes(row.ToString()), Encoding.UTF8.GetBytes(rows > 1 ? outputs[..^1] + "," + outputs[1..] : outputs));
        }
    }

    private static string Cell(Random random, string usual) => random.Next(50) == 0 ? Oddities[random.Next(Oddities.Length)] : usual;

    private static MonitoredVersion Version()
    {
        var random = new Random(3);
        const int n = 2_000;
        var inputs = new[]
        {
            DataColumn.Numeric("amount", Enumerable.Range(0, n).Select(_ => random.NextDouble() * 900).ToArray()),
            DataColumn.Numeric("ratio", Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.4).ToArray()),
            DataColumn.Labels("city", Enumerable.Range(0, n).Select(_ => new[] { "Lyon", "Paris", "Nice", "Brest" }[random.Next(4)]).ToArray<string?>()),
            DataColumn.Labels("tier", Enumerable.Range(0, n).Select(_ => random.Next(3).ToString(CultureInfo.InvariantCulture)).ToArray<string?>()),
        };
        var probabilities = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        var predictions = new[]
        {
            DataColumn.Labels(ReferenceSampleFiles.PredictionColumn, probabilities.Select(p => p >= 0.5 ? "bad" : "good").ToArray<string?>()),
            DataColumn.Numeric(ReferenceSampleFiles.ProbabilityColumn, probabilities),
        };
        var metadata = new ModelMetadata
        {
            Id = "fast", Name = "fast", Version = "1", Algorithm = "FastTree", Framework = "ML.NET 5.0.1",
            CreatedAt = DateTimeOffset.UnixEpoch, CreatedBy = "test", Signature = Signature,
        };
        var entity = new ModelVersion("fast", "1", 0, 0, null, "None", null, "mlflow-artifacts:/m", null, "READY", null, [], null, []);
        return new MonitoredVersion(entity, metadata, new ModelReference(new DataTable(inputs), new DataTable(predictions), "training"), DataProfiler.Profile(inputs));
    }
}
