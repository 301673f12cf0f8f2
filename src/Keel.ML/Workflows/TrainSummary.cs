using System.Globalization;
using Keel.Core.Validation.Gates;
using Keel.ML.Running;

namespace Keel.ML.Workflows;

/// <summary>What a <see cref="TrainSession"/> did: the CLI prints it as tables, or as JSON with <c>--json</c>.</summary>
/// <param name="RunId">The run.</param>
/// <param name="ExperimentId">Its experiment's id.</param>
/// <param name="Experiment">Its experiment's name.</param>
/// <param name="Backend">Where it was logged (<see cref="TrainBackend.Description"/>).</param>
/// <param name="DataDigest">The training data's <c>sha256:</c> digest.</param>
/// <param name="Seed">The split and trainer seed.</param>
/// <param name="Splits">Rows per split.</param>
/// <param name="Metrics">Metrics per split (<c>train</c>, <c>validation</c>, <c>test</c>).</param>
/// <param name="Gates">The gates' report on the test split.</param>
/// <param name="Champion">The champion compared with, or null when no threshold asked for a change.</param>
/// <param name="ChildRunIds">The sweep's child runs, one per trial.</param>
/// <param name="SweepBest">The sweep's winning trial, or null without a sweep.</param>
/// <param name="Artifacts">The artifact paths logged (files and folders, relative to the run's root).</param>
/// <param name="Registration">What registration did, or null when the model was not registered.</param>
/// <param name="OutputDirectory">The kept working folder, or null when it was temporary.</param>
public sealed record TrainSummary(
    string RunId,
    string ExperimentId,
    string Experiment,
    string Backend,
    string DataDigest,
    int Seed,
    SplitSizes Splits,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics,
    GateReport Gates,
    ChampionInfo? Champion,
    IReadOnlyList<string> ChildRunIds,
    SweepBest? SweepBest,
    IReadOnlyList<string> Artifacts,
    RegistrationResult? Registration,
    string? OutputDirectory)
{
    /// <summary>Whether every gate passed (true when there were none).</summary>
    public bool Passed => Gates.Passed;

    /// <summary>A metric as the summary shows it: 4 decimals, <c>undefined</c> for NaN.</summary>
    public static string Number(double value) => double.IsNaN(value) ? "undefined" : value.ToString("0.####", CultureInfo.InvariantCulture);
}

/// <summary>The sweep's winning trial, as the summary shows it.</summary>
/// <param name="Trial">The trial's index (as in the child run's <c>keel.sweep.trial</c> tag).</param>
/// <param name="Metric">The validation metric that chose it.</param>
/// <param name="Value">Its value of that metric; null when the trial did not report it.</param>
/// <param name="Parameters">The trial's hyper-parameters.</param>
public sealed record SweepBest(int Trial, string Metric, double? Value, IReadOnlyDictionary<string, double> Parameters)
{
    /// <summary>The best trial of <paramref name="result"/>'s sweep, or null without one.</summary>
    public static SweepBest? Of(TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.BestTrial is not { } best || result.Pipeline.Sweep is not { } sweep)
        {
            return null;
        }

        var trial = result.SweepTrials.First(t => t.Index == best);
        return new SweepBest(best, sweep.Metric, trial.ValidationMetrics.TryGetValue(sweep.Metric, out var v) ? v : null, trial.Parameters);
    }

    /// <summary>e.g. <c>trial 3, validation roc_auc 0.9123: learning_rate=0.1, number_of_leaves=31</c>.</summary>
    public string Describe() =>
        $"trial {Trial}, validation {Metric} {(Value is { } v ? TrainSummary.Number(v) : "-")}: "
        + string.Join(", ", Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.ToString("G6", CultureInfo.InvariantCulture)}"));
}
