using System.Globalization;

namespace Keel.Server.Tests.Deployments.EndToEnd;

/// <summary>
/// One of the shipped data sets the end-to-end rollouts run on (issue 12: "credit, breast cancer,
/// flights"): where its CSV is, its target and task, the trainers of the stable version and of the
/// slow candidate, and the column the erroring candidate needs (derived from the row, so new
/// clients can send it and old clients do not).
/// </summary>
/// <param name="Name">A short name (model and folder names).</param>
/// <param name="Csv">The CSV under <c>examples/</c>.</param>
/// <param name="Target">The target column.</param>
/// <param name="Task">The pipeline task: <c>binary</c> or <c>regression</c>.</param>
/// <param name="Drop">Columns never used as inputs (leaks, ids).</param>
/// <param name="Trainer">The trainer (pipeline YAML) of the stable, good, inverted, shuffled and erroring versions.</param>
/// <param name="SlowTrainer">The trainer of the slow candidate: the same kind of model, many times more trees.</param>
/// <param name="ExtraColumn">The column the erroring candidate was trained with.</param>
/// <param name="Extra">The extra column's value from a row (a cell by column name).</param>
/// <param name="SampleRows">When set, a seeded sample of this many rows is used instead of the whole file.</param>
public sealed record RolloutDataSet(
    string Name,
    string Csv,
    string Target,
    string Task,
    string[] Drop,
    string Trainer,
    string SlowTrainer,
    string ExtraColumn,
    Func<Func<string, string>, double> Extra,
    int? SampleRows = null)
{
    /// <summary>Whether the task is a regression (else a binary classifier).</summary>
    public bool IsRegression => Task == "regression";

    /// <summary>
    /// Breast cancer (569 rows; target 1 = benign): FastTree of 100 trees (learning rate 0.1); slow: 3,000
    /// trees at a thirtieth of the learning rate (an overfit FastTree against a logistic regression
    /// predicted the classes at another rate, which prediction_shift caught first). The erroring
    /// candidate needs <c>area_ratio</c> = worst area / mean area.
    /// </summary>
    public static RolloutDataSet BreastCancer { get; } = new(
        "bc",
        "breast-cancer/breast_cancer_wdbc.csv",
        "target",
        "binary",
        ["diagnosis"],
        "trainer: {name: FastTree, params: {number_of_trees: 100, number_of_leaves: 8, minimum_example_count_per_leaf: 10, learning_rate: 0.1}}",
        "trainer: {name: FastTree, params: {number_of_trees: 3000, number_of_leaves: 8, minimum_example_count_per_leaf: 10, learning_rate: 0.0033}}",
        "area_ratio",
        cell => Math.Round(D(cell("worst_area")) / D(cell("mean_area")), 4));

    /// <summary>
    /// Credit (4,454 rows; Status good or bad; missing values and categoricals): FastTree of 100 trees
    /// (learning rate 0.1); slow: 3,000 trees at a thirtieth of the learning rate, so it answers like the
    /// stable version, slowly (a slow model of another kind predicts "bad" at another rate, and the
    /// prediction_shift gate rightly catches that first). The erroring candidate needs
    /// <c>loan_to_price</c> = Amount / Price.
    /// </summary>
    public static RolloutDataSet Credit { get; } = new(
        "credit",
        "credit/credit_data.csv",
        "Status",
        "binary",
        [],
        "trainer: {name: FastTree, params: {number_of_trees: 100, number_of_leaves: 16, minimum_example_count_per_leaf: 20, learning_rate: 0.1}}",
        "trainer: {name: FastTree, params: {number_of_trees: 3000, number_of_leaves: 16, minimum_example_count_per_leaf: 20, learning_rate: 0.0033}}",
        "loan_to_price",
        cell => Math.Round(D(cell("Amount")) / D(cell("Price")), 4));

    /// <summary>
    /// Flights (a seeded 6,000-row sample of the 50,000-row slice): regression of the delay in minutes
    /// from the date, distance, origin and destination, as the ML tests use it (the example pipeline
    /// derives a binary is_late instead; the regression exercises the gates' regression paths: KS on
    /// scores and the feedback's MAE). Stable: FastTree of 100 trees (learning rate 0.1); slow: 3,000 trees
    /// at a thirtieth of the learning rate, so it answers like the stable version, slowly. The erroring
    /// candidate needs <c>distance_km</c>.
    /// </summary>
    public static RolloutDataSet Flights { get; } = new(
        "flights",
        "flights/flights_2001h1_50k.csv",
        "delay",
        "regression",
        [],
        "trainer: {name: FastTree, params: {number_of_trees: 100, number_of_leaves: 16, minimum_example_count_per_leaf: 20, learning_rate: 0.1}}",
        "trainer: {name: FastTree, params: {number_of_trees: 3000, number_of_leaves: 16, minimum_example_count_per_leaf: 20, learning_rate: 0.0033}}",
        "distance_km",
        cell => Math.Round(D(cell("distance")) * 1.609344, 3),
        SampleRows: 6000);

    private static double D(string cell) => double.Parse(cell, CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
