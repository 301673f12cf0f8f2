using Keel.ML.Pipeline;
using Keel.ML.Training;

namespace Keel.ML.Running;

/// <summary>
/// The outcome of k-fold cross-validation on the training split (<c>split.kind: kfold</c>): each
/// fold's metrics, and per metric the mean and the standard deviation over the folds (population
/// form, ddof = 0, as <c>numpy.std</c> gives for scikit-learn's <c>cross_val_score</c>).
/// </summary>
/// <param name="Folds">Each fold's metrics on its held-out rows, in fold order.</param>
/// <param name="Mean">Each metric's mean over the folds that define it.</param>
/// <param name="Std">Each metric's standard deviation over the folds that define it.</param>
public sealed record CrossValidationResult(
    IReadOnlyList<IReadOnlyDictionary<string, double>> Folds,
    IReadOnlyDictionary<string, double> Mean,
    IReadOnlyDictionary<string, double> Std)
{
    /// <summary>The metrics as logged to tracking: <c>cv_&lt;metric&gt;_mean</c> and <c>cv_&lt;metric&gt;_std</c>.</summary>
    public IReadOnlyDictionary<string, double> ToMetrics()
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (metric, mean) in Mean)
        {
            result[$"cv_{metric}_mean"] = mean;
            result[$"cv_{metric}_std"] = Std[metric];
        }

        return result;
    }

    /// <summary>Mean and standard deviation per metric over <paramref name="folds"/> (NaN values left out).</summary>
    public static CrossValidationResult Summarize(IReadOnlyList<IReadOnlyDictionary<string, double>> folds)
    {
        ArgumentNullException.ThrowIfNull(folds);
        var mean = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var std = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var metric in folds.SelectMany(f => f.Keys).Distinct(StringComparer.Ordinal))
        {
            var values = folds.Where(f => f.TryGetValue(metric, out var v) && !double.IsNaN(v)).Select(f => f[metric]).ToArray();
            if (values.Length == 0)
            {
                continue;
            }

            var m = values.Average();
            mean[metric] = m;
            std[metric] = Math.Sqrt(values.Sum(v => (v - m) * (v - m)) / values.Length);
        }

        return new CrossValidationResult(folds, mean, std);
    }

    /// <summary>
    /// Fold numbers (0 .. k-1) for <paramref name="count"/> rows: shuffled with <paramref name="seed"/>
    /// and dealt round-robin, per class when <paramref name="classes"/> is given (stratified folds).
    /// </summary>
    internal static int[] AssignFolds(int count, int folds, int seed, IReadOnlyList<string?>? classes)
    {
        var fold = new int[count];
        var random = new Random(seed);
        var groups = classes is null
            ? [Enumerable.Range(0, count).ToArray()]
            : Enumerable.Range(0, count).GroupBy(i => classes[i] ?? string.Empty, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToArray()).ToList();
        var next = 0;
        foreach (var rows in groups)
        {
            random.Shuffle(rows);
            foreach (var row in rows)
            {
                fold[row] = next;
                next = (next + 1) % folds;
            }
        }

        return fold;
    }

    /// <summary>
    /// Fits the trainer on k-1 folds of <paramref name="train"/> and evaluates it on the k-th, for
    /// every fold. Folds run in parallel, each in its own seeded context, so the result does not
    /// depend on the order they finish in.
    /// </summary>
    internal static CrossValidationResult Run(TrainingData train, SplitSection split, string trainer, IReadOnlyDictionary<string, double> parameters, CancellationToken cancellationToken)
    {
        var classes = train.Label.Task == MLTask.Regression || !split.Stratified ? null : train.Label.ClassOf(train.Table, train.Target);
        var fold = AssignFolds(train.Table.RowCount, split.Folds, split.Seed, classes);
        var results = new IReadOnlyDictionary<string, double>[split.Folds];
        Parallel.For(0, split.Folds, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
        {
            var fitRows = Enumerable.Range(0, fold.Length).Where(i => fold[i] != k).ToArray();
            var heldOut = Enumerable.Range(0, fold.Length).Where(i => fold[i] == k).ToArray();
            var context = new KeelMLContext(split.Seed);
            var fitData = train.WithTable(train.Table.Take(fitRows));
            var model = context.Trainers.Fit(fitData, trainer, parameters);
            results[k] = context.Evaluation.Evaluate(model, train.WithTable(train.Table.Take(heldOut)));
        });

        return Summarize(results);
    }
}
