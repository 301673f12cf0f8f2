using Keel.Core.Errors;
using Keel.ML.Evaluation;
using Keel.ML.Pipeline;

namespace Keel.ML.Training;

/// <summary>One trial of a sweep: its parameters and validation metrics.</summary>
/// <param name="Index">0-based trial number (the child run's order).</param>
/// <param name="Parameters">Every hyper-parameter the trial used (base + swept).</param>
/// <param name="ValidationMetrics">Metrics on the validation split.</param>
public sealed record SweepTrial(int Index, IReadOnlyDictionary<string, double> Parameters, IReadOnlyDictionary<string, double> ValidationMetrics);

/// <summary>A sweep's trials and the winner.</summary>
/// <param name="Trials">Every trial, in order.</param>
/// <param name="BestIndex">The index of the best trial by <paramref name="Metric"/> (first on ties).</param>
/// <param name="Metric">The metric that chose it.</param>
/// <param name="BestModel">The best trial's model.</param>
public sealed record SweepResult(IReadOnlyList<SweepTrial> Trials, int BestIndex, string Metric, TrainedModel BestModel);

public sealed partial class TrainerCatalog
{
    /// <summary>The most trials a sweep may run.</summary>
    public const int MaxTrials = 1000;

    /// <summary>
    /// Runs a grid or random search: each candidate is fitted on <paramref name="train"/> and scored
    /// on <paramref name="validation"/>; the best by <see cref="SweepSection.Metric"/> wins.
    /// </summary>
    /// <param name="train">Training rows.</param>
    /// <param name="validation">Validation rows.</param>
    /// <param name="trainer">The trainer and its fixed hyper-parameters.</param>
    /// <param name="sweep">The search space, method and metric.</param>
    public SweepResult Sweep(TrainingData train, TrainingData validation, TrainerSection trainer, SweepSection sweep)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(sweep);
        var spec = TrainerRegistry.Find(train.Label.Task, trainer.Name)
            ?? throw KeelException.InvalidParameter($"Unknown trainer '{trainer.Name}'.");
        var candidates = sweep.Method == SweepMethod.Grid ? Grid(sweep) : RandomDraws(sweep, spec, _owner.Seed);
        var higher = MetricNames.HigherIsBetter(sweep.Metric);
        var trials = new List<SweepTrial>(candidates.Count);
        TrainedModel? best = null;
        var bestIndex = -1;
        var bestValue = double.NaN;
        foreach (var candidate in candidates)
        {
            var parameters = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, value) in trainer.Parameters)
            {
                parameters[name] = value;
            }

            foreach (var (name, value) in candidate)
            {
                parameters[name] = spec.Find(name) is { IsInteger: true } ? Math.Round(value) : value;
            }

            var model = Fit(train, trainer.Name, parameters);
            var metrics = _owner.Evaluation.Evaluate(model, validation);
            trials.Add(new SweepTrial(trials.Count, parameters, metrics));
            var trialValue = metrics[sweep.Metric];
            if (best is null || (!double.IsNaN(trialValue) && (double.IsNaN(bestValue) || (higher ? trialValue > bestValue : trialValue < bestValue))))
            {
                best = model;
                bestIndex = trials.Count - 1;
                bestValue = trialValue;
            }
        }

        return new SweepResult(trials, bestIndex, sweep.Metric, best!);
    }

    private static List<Dictionary<string, double>> Grid(SweepSection sweep)
    {
        var combos = new List<Dictionary<string, double>> { new(StringComparer.Ordinal) };
        foreach (var (name, space) in sweep.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var next = new List<Dictionary<string, double>>();
            foreach (var combo in combos)
            {
                foreach (var value in space.Values)
                {
                    next.Add(new Dictionary<string, double>(combo, StringComparer.Ordinal) { [name] = value });
                }
            }

            combos = next;
            if (combos.Count > MaxTrials)
            {
                throw KeelException.InvalidParameter($"sweep: the grid has more than {MaxTrials} combinations.");
            }
        }

        return combos;
    }

    private static List<Dictionary<string, double>> RandomDraws(SweepSection sweep, TrainerSpec spec, int seed)
    {
        var random = new Random(seed);
        var draws = new List<Dictionary<string, double>>(sweep.Trials);
        for (var t = 0; t < sweep.Trials; t++)
        {
            var draw = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, space) in sweep.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                double value;
                if (space.Values.Count > 0)
                {
                    value = space.Values[random.Next(space.Values.Count)];
                }
                else if (space.Log)
                {
                    value = Math.Exp(Math.Log(space.Min) + (random.NextDouble() * (Math.Log(space.Max) - Math.Log(space.Min))));
                }
                else
                {
                    value = space.Min + (random.NextDouble() * (space.Max - space.Min));
                }

                draw[name] = spec.Find(name) is { IsInteger: true } ? Math.Round(value) : value;
            }

            draws.Add(draw);
        }

        return draws;
    }
}
