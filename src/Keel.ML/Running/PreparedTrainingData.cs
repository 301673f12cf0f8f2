using Keel.ML.Data;
using Keel.ML.Pipeline;
using Keel.ML.Training;

namespace Keel.ML.Running;

/// <summary>
/// A pipeline's data, loaded, checked and split by <see cref="TrainingRunner.PrepareAsync"/>: what
/// training needs, found to fit the pipeline before any run is recorded.
/// </summary>
/// <param name="Pipeline">The pipeline the data was prepared for.</param>
/// <param name="Digest">The data file's content digest (<c>sha256:...</c>).</param>
/// <param name="Table">Every row of the file.</param>
/// <param name="Features">The feature columns the pipeline uses, checked against the file.</param>
/// <param name="Label">How the target becomes the label.</param>
/// <param name="Rows">The rows with a usable label (all of <paramref name="Table"/> when none is missing).</param>
/// <param name="KeptRows">How many rows <paramref name="Rows"/> holds.</param>
/// <param name="Split">Row indices of <paramref name="Rows"/> for the train, validation and test splits.</param>
/// <param name="Timings">Time taken by hashing, loading and splitting.</param>
public sealed record PreparedTrainingData(
    PipelineDefinition Pipeline,
    string Digest,
    TabularData Table,
    IReadOnlyList<FeatureColumn> Features,
    LabelEncoding Label,
    TabularData Rows,
    int KeptRows,
    DataSplit Split,
    IReadOnlyDictionary<string, TimeSpan> Timings)
{
    /// <summary>The separate test file, hashed and counted, or null when there is none.</summary>
    public TestFileInfo? TestFile { get; init; }

    /// <summary>Rows of the training file itself (<see cref="Table"/> also holds a separate test file's rows after them).</summary>
    public int TrainFileRows { get; init; } = Table.RowCount;
}
