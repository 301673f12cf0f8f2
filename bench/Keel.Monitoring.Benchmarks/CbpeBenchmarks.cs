using BenchmarkDotNet.Attributes;
using Keel.Monitoring.Performance.Estimation;

namespace Keel.Monitoring.Benchmarks;

/// <summary>
/// CBPE's sampling standard error (<see cref="WindowScores.StandardError(EstimableMetric, int, int, int)"/>,
/// 200 label draws, the default) over a window of 350,000 binary predictions — the size of one 10 s
/// window of the serving stress bench — for ROC AUC and F1: over every row (as before), and over the
/// default 20,000-row subsample (<see cref="CbpeOptions.SamplingRows"/>).
/// </summary>
[MemoryDiagnoser]
public class CbpeBenchmarks
{
    public const int Rows = 350_000;
    private WindowScores _auc = null!;
    private WindowScores _f1 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        var q = new double[Rows][];
        var predicted = new int[Rows];
        var score = new double[Rows];
        for (var i = 0; i < Rows; i++)
        {
            // Probabilities on a 1e-4 grid, as a model's rounded scores: ties as in practice.
            var p = Math.Round(random.NextDouble(), 4);
            q[i] = [1 - p, p];
            predicted[i] = p >= 0.5 ? 1 : 0;
            score[i] = p;
        }

        _auc = new WindowScores(q, predicted, score, 2);
        _f1 = new WindowScores(q, predicted, null, 2);
    }

    [Benchmark]
    public double? StandardError_RocAuc_350k() => _auc.StandardError(Metric("roc_auc"), 200, 42);

    [Benchmark]
    public double? StandardError_F1_350k() => _f1.StandardError(Metric("f1_score"), 200, 42);

    [Benchmark]
    public double? StandardError_RocAuc_350k_subsampled() => _auc.StandardError(Metric("roc_auc"), 200, 42, new CbpeOptions().SamplingRows);

    [Benchmark]
    public double? StandardError_F1_350k_subsampled() => _f1.StandardError(Metric("f1_score"), 200, 42, new CbpeOptions().SamplingRows);

    private static EstimableMetric Metric(string name) => EstimableMetric.TryParse(name, 2, out var metric) ? metric : throw new ArgumentException(name);
}
