using System.Diagnostics;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.Core.Validation.Gates;
using Keel.ML.Data;
using Keel.ML.Evaluation;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Training;
using Keel.ML.Validation;

namespace Keel.ML.Running;

/// <summary>
/// Runs a parsed pipeline end to end — digest, load, check columns, split, train (or sweep),
/// evaluate every split, importance, plot, package — and returns a <see cref="TrainingResult"/>.
/// It talks to no tracking server or registry: <c>keel train</c> logs and registers the result.
/// </summary>
public sealed partial class TrainingRunner
{
    private readonly TimeProvider _time;

    /// <summary>Creates a runner.</summary>
    /// <param name="timeProvider">The clock for the package's <c>created_at</c>.</param>
    /// <value><see cref="TimeProvider.System"/>.</value>
    public TrainingRunner(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>Runs <paramref name="pipeline"/>, writing into <paramref name="outputDirectory"/>.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the data does not fit the pipeline (every problem listed).</exception>
    public Task<TrainingResult> RunAsync(PipelineDefinition pipeline, string outputDirectory, CancellationToken cancellationToken = default) =>
        RunAsync(new TrainingRunOptions { Pipeline = pipeline, OutputDirectory = outputDirectory }, cancellationToken);

    /// <summary>Runs the pipeline described by <paramref name="options"/>.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the data does not fit the pipeline (every problem listed).</exception>
    public async Task<TrainingResult> RunAsync(TrainingRunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prepared = await PrepareAsync(options.Pipeline, options.Progress, cancellationToken).ConfigureAwait(false);
        return await RunAsync(prepared, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The part of a run that can fail on the data, done before anything is trained or tracked:
    /// digest, load, check the columns against the pipeline, encode the label, split. A caller
    /// that records runs (<c>keel train</c>) prepares first, so bad data leaves no run behind.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the data does not fit the pipeline (every problem listed).</exception>
    public static async Task<PreparedTrainingData> PrepareAsync(PipelineDefinition pipeline, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var data = pipeline.Data;
        var timings = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();

        if (!File.Exists(data.Path))
        {
            throw KeelException.InvalidParameter($"data.path: '{data.Path}' does not exist.");
        }

        progress?.Report($"hashing {Path.GetFileName(data.Path)}");
        var digest = await DataDigest.ComputeAsync(data.Path, cancellationToken).ConfigureAwait(false);
        Lap(timings, "hash", clock);
        progress?.Report($"loading {Path.GetFileName(data.Path)}");
        var table = await DataLoader.LoadAsync(data.Path, data.Types, data.Missing, cancellationToken).ConfigureAwait(false);
        var trainFileRows = table.RowCount;
        TestFileInfo? testFile = null;
        if (data.TestPath is not null)
        {
            progress?.Report($"loading {Path.GetFileName(data.TestPath)} (test)");
            table = await AppendTestFileAsync(table, data.TestPath, data.Missing, cancellationToken).ConfigureAwait(false);
            var testDigest = await DataDigest.ComputeAsync(data.TestPath, cancellationToken).ConfigureAwait(false);
            testFile = new TestFileInfo(Path.GetFullPath(data.TestPath), testDigest, table.RowCount - trainFileRows);
        }

        Lap(timings, "load", clock);
        progress?.Report($"splitting {table.RowCount} rows ({SplitMethod(pipeline.Split, data.Task)})");

        var features = CheckColumns(pipeline, table);
        var label = LabelEncoding.Create(data, table);
        var classOf = label.ClassOf(table, data.Target);
        var kept = Enumerable.Range(0, table.RowCount).Where(i => classOf[i] is not null).ToArray();
        var rows = kept.Length == table.RowCount ? table : table.Take(kept);
        var classes = kept.Length == table.RowCount ? classOf : kept.Select(i => classOf[i]).ToArray();
        CheckModelling(pipeline, rows, label, features);
        var split = data.TestPath is null
            ? DataSplitter.For(rows, pipeline.Split, data.Task == MLTask.Regression ? null : classes)
            : SplitWithTestFile(rows, pipeline, classes, kept.Count(i => i < trainFileRows));
        Lap(timings, "split", clock);
        return new PreparedTrainingData(pipeline, digest, table, features, label, rows, kept.Length, split, timings)
        {
            TestFile = testFile,
            TrainFileRows = trainFileRows,
        };
    }

    /// <summary>Trains, evaluates and packages data that <see cref="PrepareAsync"/> prepared for <paramref name="options"/>' pipeline.</summary>
    /// <exception cref="ArgumentException">The data was prepared for another pipeline.</exception>
    public async Task<TrainingResult> RunAsync(PreparedTrainingData prepared, TrainingRunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(options);
        if (!ReferenceEquals(prepared.Pipeline, options.Pipeline))
        {
            throw new ArgumentException("The data was prepared for another pipeline.", nameof(prepared));
        }

        var pipeline = options.Pipeline;
        var data = pipeline.Data;
        var progress = options.Progress;
        var timings = new Dictionary<string, TimeSpan>(prepared.Timings, StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var (digest, table, features, label, rows, split) = (prepared.Digest, prepared.Table, prepared.Features, prepared.Label, prepared.Rows, prepared.Split);
        var target = label.Rule?.Column ?? data.Target;
        var all = new TrainingData(rows, features, label, target)
        {
            TargetTransform = data.TargetTransform,
            DateParts = data.DateParts,
            Derived = data.Derived,
            ClassWeights = ResolveClassWeights(pipeline.Trainer.ClassWeights, label, rows.Take(split.Train), target),
        };
        var train = all.WithTable(rows.Take(split.Train));
        var validation = all.WithTable(rows.Take(split.Validation));
        var test = all.WithTable(rows.Take(split.Test));
        progress?.Report(pipeline.Sweep is null
            ? $"featurising and training {pipeline.Trainer.Name} on {split.Train.Length} rows"
            : $"featurising and sweeping {pipeline.Trainer.Name} ({pipeline.Sweep.Method.ToString().ToLowerInvariant()}) on {split.Train.Length} rows");

        var context = new KeelMLContext(pipeline.Split.Seed);
        TrainedModel model;
        SweepResult? sweep = null;
        if (pipeline.Sweep is not null)
        {
            sweep = context.Trainers.Sweep(train, validation, pipeline.Trainer, pipeline.Sweep);
            model = sweep.BestModel;
        }
        else
        {
            model = context.Trainers.Fit(train, pipeline.Trainer.Name, pipeline.Trainer.Parameters);
        }

        Lap(timings, "train", clock);
        CrossValidationResult? crossValidation = null;
        if (pipeline.Split.Kind == SplitKind.KFold)
        {
            progress?.Report($"cross-validating {model.Trainer} on {pipeline.Split.Folds} folds of the training split");
            crossValidation = CrossValidationResult.Run(train, pipeline.Split, model.Trainer, model.Parameters, cancellationToken);
            Lap(timings, "cross_validation", clock);
        }

        progress?.Report("evaluating train, validation and test splits");

        // The training split is the largest to score: do it on another core while the
        // validation and test splits, the plot and permutation importance run on this one.
        // Transformers are immutable; each Transform makes its own cursors.
        var trainMetricsTask = Task.Run(() => context.Evaluation.Evaluate(model, train), cancellationToken);
        IReadOnlyDictionary<string, double>? validationMetrics = null;
        if (validation.Table.RowCount > 0)
        {
            validationMetrics = context.Evaluation.Evaluate(model, validation);
        }

        var testPredictions = context.Evaluation.Predict(model, test);
        var testMetrics = MetricsCalculator.Compute(testPredictions, label.Classes);
        var confusion = EvaluationCatalog.Confusion(testPredictions, label);
        var plot = EvaluationPlots.Render(testPredictions, $"{pipeline.Name}: test split");
        Lap(timings, "evaluate", clock);
        var computeImportance = options.ComputeImportance && pipeline.Importance == ImportanceMethod.Permutation;
        if (computeImportance)
        {
            progress?.Report("computing permutation importance");
        }

        var importance = computeImportance
            ? context.Evaluation.PermutationImportance(model, validation.Table.RowCount > 0 ? validation : test)
            : [];
        Lap(timings, "importance", clock);
        var metrics = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal)
        {
            ["train"] = await trainMetricsTask.ConfigureAwait(false),
        };
        if (validationMetrics is not null)
        {
            metrics["validation"] = validationMetrics;
        }

        metrics["test"] = testMetrics;
        timings["evaluate"] += clock.Elapsed;
        clock.Restart();
        progress?.Report("packaging the model" + (pipeline.Onnx ? " (with ONNX)" : string.Empty));

        Directory.CreateDirectory(options.OutputDirectory);
        var packageDirectory = Path.Combine(options.OutputDirectory, "model");
        var metadata = await ModelPackageWriter.WriteAsync(
            packageDirectory,
            context,
            model,
            data.Label?.Column ?? data.Target,
            new PackageInfo
            {
                Id = options.RunId,
                Name = pipeline.Registration?.ModelName ?? pipeline.Name,
                CreatedBy = options.CreatedBy,
                CreatedAt = _time.GetUtcNow(),
                TrainingDataHash = digest,
                DataSchema = table.Schema(),
                TrainingMetrics = metrics["train"],
                ValidationMetrics = metrics.GetValueOrDefault("validation") ?? metrics["test"],
                PerformanceThresholds = ThresholdMap(pipeline.Thresholds),
                ExtraHyperparameters = RunParameters(pipeline),
                ExportOnnx = pipeline.Onnx,
                Missing = data.Missing,
                ReferenceData = train,
                HeldOutData = all.WithTable(rows.Take([.. split.Validation, .. split.Test])),
                ReferenceRows = pipeline.ReferenceRows,
                ReferenceSeed = pipeline.Split.Seed,
            },
            test.Table.RowCount > 0 ? test.Table : train.Table,
            cancellationToken).ConfigureAwait(false);

        await TrainingProfile.WriteAsync(packageDirectory, train.Table, features.Select(f => f.Name), cancellationToken).ConfigureAwait(false);
        var plotName = plot is null ? null : data.Task == MLTask.Binary ? "roc_curve.png" : "residuals.png";
        if (plot is not null)
        {
            await File.WriteAllBytesAsync(Path.Combine(options.OutputDirectory, plotName!), plot, cancellationToken).ConfigureAwait(false);
        }

        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "metrics.json"), JsonSerializer.Serialize(metrics), cancellationToken).ConfigureAwait(false);
        Lap(timings, "package", clock);

        return new TrainingResult
        {
            Pipeline = pipeline,
            RunId = options.RunId,
            Seed = pipeline.Split.Seed,
            Data = new DatasetInfo(data.Path, digest, prepared.TrainFileRows, table.RowCount - prepared.KeptRows, table.Schema(),
                table.Columns.ToDictionary(c => c.Name, c => c.Kind, StringComparer.Ordinal))
            {
                TestFile = prepared.TestFile,
            },
            Splits = new SplitSizes(split.Train.Length, split.Validation.Length, split.Test.Length, SplitMethod(pipeline.Split, data.Task)),
            Trainer = model.Trainer,
            Hyperparameters = model.Parameters,
            Features = features,
            Classes = label.Classes,
            Metrics = metrics,
            ConfusionMatrix = confusion,
            FeatureImportance = importance,
            Plot = plot,
            PlotFileName = plotName,
            TestPredictions = testPredictions,
            TestData = test.Table,
            CrossValidation = crossValidation,
            SweepTrials = sweep?.Trials ?? [],
            BestTrial = sweep?.BestIndex,
            OutputDirectory = options.OutputDirectory,
            PackageDirectory = packageDirectory,
            OnnxPath = pipeline.Onnx ? Path.Combine(packageDirectory, ModelPackageWriter.OnnxFileName) : null,
            Metadata = metadata,
            Timings = timings,
        };
    }

    /// <summary>Train and validation cut from the training file's rows (the first <paramref name="fromTrainFile"/>); every test file row is a test row.</summary>
    private static DataSplit SplitWithTestFile(TabularData rows, PipelineDefinition pipeline, string?[] classes, int fromTrainFile)
    {
        var trainRows = Enumerable.Range(0, fromTrainFile).ToArray();
        var cut = DataSplitter.For(rows.Take(trainRows), pipeline.Split, pipeline.Data.Task == MLTask.Regression ? null : classes[..fromTrainFile]);

        // Fractions summing to 1 can still leave a rounding row in the cut's test part: it trains.
        var train = cut.Train.Concat(cut.Test).Order().ToArray();
        return new DataSplit(train, cut.Validation, Enumerable.Range(fromTrainFile, rows.RowCount - fromTrainFile).ToArray());
    }

    private static void Lap(Dictionary<string, TimeSpan> timings, string phase, Stopwatch clock)
    {
        timings[phase] = clock.Elapsed;
        clock.Restart();
    }

    private static string SplitMethod(SplitSection split, MLTask task) =>
        split.TimeColumn is not null ? "time:" + split.TimeColumn
        : split.Stratified && task != MLTask.Regression ? "stratified" : "random";

    private static Dictionary<string, double> ThresholdMap(IReadOnlyDictionary<string, MetricThreshold> thresholds)
    {
        var map = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (metric, bound) in thresholds)
        {
            if ((bound.Threshold ?? bound.OppositeBound) is { } value)
            {
                map[metric] = value;
            }
        }

        return map;
    }

    private static Dictionary<string, ScalarValue> RunParameters(PipelineDefinition pipeline) => new(StringComparer.Ordinal)
    {
        ["seed"] = pipeline.Split.Seed,
        ["task"] = pipeline.Data.Task.ToString().ToLowerInvariant(),
        ["target"] = pipeline.Data.Target,
        ["split_train"] = pipeline.Split.Train,
        ["split_validation"] = pipeline.Split.Validation,
        ["split_test"] = pipeline.Split.Test,
        ["split_method"] = SplitMethod(pipeline.Split, pipeline.Data.Task),
        ["split_kind"] = pipeline.Split.Kind == SplitKind.KFold ? $"kfold:{pipeline.Split.Folds}" : "holdout",
        ["target_transform"] = TargetTransforms.Name(pipeline.Data.TargetTransform),
        ["class_weights"] = pipeline.Trainer.ClassWeights switch
        {
            null => "none",
            { Balanced: true } => "balanced",
            var w => string.Join(",", w.Weights.Select(p => $"{p.Key}:{p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}")),
        },
        ["importance"] = pipeline.Importance == ImportanceMethod.Permutation ? "permutation" : "false",
    };
}
