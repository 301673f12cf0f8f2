using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Keel.Core.Deployments;
using Keel.Monitoring.Deployments;

namespace Keel.Monitoring.Benchmarks;

/// <summary>
/// The cost <see cref="DeploymentWindows.Observe"/> adds to each arm answer on the request path:
/// a one-row classifier request with 30 numeric inputs (breast cancer), a one-row regression, a
/// 100-row classifier request, and a failure. Rings at their default sizes, long full (steady state).
/// </summary>
[MemoryDiagnoser]
public class DeploymentWindowsBenchmarks
{
    private static readonly string[] Columns = Enumerable.Range(0, 30).Select(i => $"feature_{i}").ToArray();
    private readonly DeploymentWindows _windows = new();
    private readonly DeploymentWindows _noInputs = new(new DeploymentWindowOptions { InputRowsPerRequest = 0 });
    private byte[] _row = [], _rows100 = [], _classOutput = [], _classOutputs100 = [], _regressionOutput = [];
    private long _t;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        string Row() => "[" + string.Join(",", Columns.Select(_ => (random.NextDouble() * 100).ToString("R", CultureInfo.InvariantCulture))) + "]";
        _row = Encoding.UTF8.GetBytes("[" + Row() + "]");
        _rows100 = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 100).Select(_ => Row())) + "]");
        _classOutput = Encoding.UTF8.GetBytes("""[{"predicted_label":"malignant","probability":0.8731}]""");
        _classOutputs100 = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 100).Select(i => $$"""{"predicted_label":"{{(i % 3 == 0 ? "malignant" : "benign")}}","probability":0.{{i:D2}}}""")) + "]");
        _regressionOutput = Encoding.UTF8.GetBytes("[1234.5678]");
        for (int i = 0; i < 20_000; i++)
        {
            OneRowClassifier();
            OneRowRegression();
            HundredRowClassifier();
            OneRowClassifierNoInputs();
        }
    }

    [Benchmark(Baseline = true, Description = "Copy the one-row inputs (baseline)")]
    public byte[] CopyInputs() => _row.AsSpan().ToArray();

    [Benchmark(Description = "Observe: 1 row, classifier, 30 inputs")]
    public void OneRowClassifier() =>
        _windows.Observe(new DeploymentObservation("credit", "candidate", "2", "r", ++_t, 250, false, 1, Columns, _row, _classOutput));

    [Benchmark(Description = "Observe: 1 row, classifier, no input sampling")]
    public void OneRowClassifierNoInputs() =>
        _noInputs.Observe(new DeploymentObservation("credit", "candidate", "2", "r", ++_t, 250, false, 1, Columns, _row, _classOutput));

    [Benchmark(Description = "Observe: 1 row, regression, 30 inputs")]
    public void OneRowRegression() =>
        _windows.Observe(new DeploymentObservation("flights", "stable", "1", "r", ++_t, 250, false, 1, Columns, _row, _regressionOutput));

    [Benchmark(Description = "Observe: 100 rows, classifier, 30 inputs")]
    public void HundredRowClassifier() =>
        _windows.Observe(new DeploymentObservation("credit", "stable", "1", "r", ++_t, 2500, false, 100, Columns, _rows100, _classOutputs100));

    [Benchmark(Description = "Observe: a failure")]
    public void Failure() =>
        _windows.Observe(new DeploymentObservation("credit", "candidate", "2", "r", ++_t, 250, true, 1, Columns, _row, ReadOnlyMemory<byte>.Empty));
}
