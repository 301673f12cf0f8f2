using Keel.Core.Data;
using Keel.Data;
using Keel.ML.Evaluation;
using Keel.ML.Training;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.ML.Pipeline;

/// <summary>
/// Reads <c>pipeline.yaml</c> (format in <c>docs/pipelines.md</c>). Everything is checked before
/// any work starts, and every problem is reported at once, each as <c>line N: key: expected ...</c>.
/// </summary>
public static partial class PipelineParser
{
    private const double FractionTolerance = 1e-9;

    /// <summary>Parses and validates pipeline text.</summary>
    /// <param name="yamlText">The YAML text.</param>
    /// <param name="sourcePath">The file it came from; relative data paths are resolved against its directory.</param>
    /// <returns>The definition, with <see cref="DataSection.Path"/> resolved.</returns>
    /// <exception cref="Keel.Core.Errors.KeelException">INVALID_PARAMETER_VALUE listing every problem.</exception>
    public static PipelineDefinition Parse(string yamlText, string? sourcePath = null)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        var problems = new YamlProblems();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yamlText));
        }
        catch (YamlException error)
        {
            problems.AddAt(error.Start.Line, "yaml", $"not valid YAML ({error.Message})");
            throw problems.ToException(sourcePath);
        }

        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            problems.AddAt(1, "pipeline", "expected one YAML document holding a mapping (name:, data:, trainer: ...)");
            throw problems.ToException(sourcePath);
        }

        var reader = new YamlReader(problems);
        reader.CheckKeys(root, string.Empty, "name", "experiment", "data", "split", "trainer", "sweep", "thresholds", "registration", "onnx", "importance", "monitoring");
        var name = reader.String(root, "name", string.Empty, required: true);
        var experiment = reader.String(root, "experiment", string.Empty, required: false) ?? name;
        var data = ReadData(reader, root, sourcePath);
        var task = data?.Task ?? MLTask.Binary;
        var split = ReadSplit(reader, root, task, data?.TestPath is not null);
        var trainer = ReadTrainer(reader, root, data?.Task);
        var sweep = ReadSweep(reader, root, task, data is null ? null : trainer, split);
        var thresholds = ReadThresholds(reader, root, task);
        var registration = ReadRegistration(reader, root);
        var onnx = reader.Boolean(root, "onnx", string.Empty) ?? false;
        var importance = ReadImportance(reader, root);
        var referenceRows = ReadReferenceRows(reader, root);
        if (onnx && data is { } d && (d.Derived.Count > 0 || d.TargetTransform != TargetTransform.None))
        {
            // ML.NET's ONNX converter has no form of the expression transform both are made of.
            problems.Add(YamlReader.Get(root, "onnx"), "onnx", "expected false with data.derived or data.target_transform (ONNX has no form of ML.NET's expression transform)");
        }

        if (registration is null && thresholds.Any(t => t.Value.HasChangeThreshold))
        {
            problems.Add(YamlReader.Get(root, "thresholds"), "thresholds", "min_absolute_change and min_relative_change compare with a registered champion, so the pipeline needs a registration: section");
        }

        problems.ThrowIfAny(sourcePath);
        return new PipelineDefinition
        {
            Name = name!,
            Experiment = experiment!,
            Data = data!,
            Split = split,
            Trainer = trainer!,
            Sweep = sweep,
            Thresholds = thresholds,
            Registration = registration,
            Onnx = onnx,
            Importance = importance,
            ReferenceRows = referenceRows,
            SourcePath = sourcePath,
        };
    }

    /// <summary>Reads and parses a pipeline file.</summary>
    public static async Task<PipelineDefinition> ParseFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(text, Path.GetFullPath(path));
    }

    private static DataSection? ReadData(YamlReader reader, YamlMappingNode root, string? sourcePath)
    {
        var map = reader.Map(root, "data", string.Empty, required: true);
        if (map is null)
        {
            return null;
        }

        reader.CheckKeys(map, "data", "path", "test_path", "target", "task", "positive_class", "label", "columns", "drop", "types", "target_transform", "date_parts", "derived", "na_values", "keep_default_na");
        var path = reader.String(map, "path", "data", required: true);
        var testPath = reader.String(map, "test_path", "data", required: false);
        var target = reader.String(map, "target", "data", required: true);
        var taskText = reader.String(map, "task", "data", required: true);
        MLTask? task = taskText switch
        {
            "binary" => MLTask.Binary,
            "multiclass" => MLTask.Multiclass,
            "regression" => MLTask.Regression,
            _ => null,
        };
        if (taskText is not null && task is null)
        {
            reader.Problems.Add(YamlReader.Get(map, "task"), "data.task", "expected binary, multiclass or regression");
        }

        var positive = YamlReader.Get(map, "positive_class") is YamlScalarNode { Value: { Length: > 0 } p } ? p : null;
        var label = ReadLabel(reader, map, task);
        var targetTransform = ReadTargetTransform(reader, map, task);
        var dateParts = ReadDateParts(reader, map);
        var derived = ReadDerived(reader, map);
        var types = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        if (reader.Map(map, "types", "data", required: false) is { } typeMap)
        {
            foreach (var (key, value) in typeMap.Children)
            {
                var column = (key as YamlScalarNode)?.Value ?? string.Empty;
                ColumnKind? kind = (value as YamlScalarNode)?.Value switch
                {
                    "numeric" => ColumnKind.Numeric,
                    "categorical" => ColumnKind.Categorical,
                    "text" => ColumnKind.Text,
                    "datetime" => ColumnKind.DateTime,
                    _ => null,
                };
                if (kind is null)
                {
                    reader.Problems.Add(value, $"data.types.{column}", "expected numeric, categorical, text or datetime");
                }
                else
                {
                    types[column] = kind.Value;
                }
            }
        }

        if (path is null || target is null || task is null)
        {
            return null;
        }

        var baseDirectory = sourcePath is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(sourcePath))!;
        return new DataSection
        {
            Path = Path.GetFullPath(Path.Combine(baseDirectory, path)),
            TestPath = testPath is null ? null : Path.GetFullPath(Path.Combine(baseDirectory, testPath)),
            TargetTransform = targetTransform,
            DateParts = dateParts,
            Derived = derived,
            Target = target,
            Task = task.Value,
            PositiveClass = positive,
            Label = label,
            Columns = reader.Strings(map, "columns", "data"),
            Drop = reader.Strings(map, "drop", "data"),
            Types = types,
            Missing = new MissingValues(ReadNaValues(reader, map), reader.Boolean(map, "keep_default_na", "data") ?? true),
        };
    }

    /// <summary><c>na_values</c>: one word or a list of words (pandas' form); <c>pandas</c> stands for pandas' default list.</summary>
    private static List<string> ReadNaValues(YamlReader reader, YamlMappingNode data)
    {
        var words = new List<string>();
        switch (YamlReader.Get(data, "na_values"))
        {
            case null:
                break;
            case YamlScalarNode { Value: { } word }:
                words.Add(word);
                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children)
                {
                    if (item is YamlScalarNode { Value: { } value })
                    {
                        words.Add(value);
                    }
                    else
                    {
                        reader.Problems.Add(item, "data.na_values", "expected a word, e.g. NA");
                    }
                }

                break;
            case var other:
                reader.Problems.Add(other, "data.na_values", "expected a word or a list of words, e.g. [NA, \"null\"]");
                break;
        }

        return words;
    }

    private static LabelRule? ReadLabel(YamlReader reader, YamlMappingNode data, MLTask? task)
    {
        var map = reader.Map(data, "label", "data", required: false);
        if (map is null)
        {
            return null;
        }

        reader.CheckKeys(map, "data.label", "column", "greater_than");
        var column = reader.String(map, "column", "data.label", required: true);
        var bound = reader.Number(map, "greater_than", "data.label");
        if (YamlReader.Get(map, "greater_than") is null)
        {
            reader.Problems.Add(map, "data.label.greater_than", "missing; expected a number");
        }

        if (task is not null and not MLTask.Binary)
        {
            reader.Problems.Add(map, "data.label", "expected only with task: binary (it derives a true/false label)");
        }

        return column is null || bound is null ? null : new LabelRule(column, bound.Value);
    }

    private static SplitSection ReadSplit(YamlReader reader, YamlMappingNode root, MLTask task, bool testFile)
    {
        var classification = task != MLTask.Regression;
        var map = reader.Map(root, "split", string.Empty, required: false);

        // With a separate test file the split only divides the training file: 90/10 by default.
        var defaults = testFile ? new SplitSection { Train = 0.9, Validation = 0.1, Test = 0 } : new SplitSection();
        if (map is null)
        {
            return defaults with { Stratified = classification };
        }

        reader.CheckKeys(map, "split", "train", "validation", "test", "seed", "stratified", "time_column", "kind", "folds");
        var train = Fraction(reader, map, "train") ?? defaults.Train;
        var validation = Fraction(reader, map, "validation") ?? defaults.Validation;
        var test = Fraction(reader, map, "test") ?? defaults.Test;
        if (Math.Abs(train + validation + test - 1) > FractionTolerance)
        {
            reader.Problems.Add(map, "split", $"expected train + validation + test = 1, found {train} + {validation} + {test} = {train + validation + test}");
        }

        if (testFile && test > 0)
        {
            reader.Problems.Add(YamlReader.Get(map, "test") ?? map, "split.test", "expected 0 or nothing with data.test_path (the test rows come from that file)");
        }
        else if (train <= 0 || (test <= 0 && !testFile))
        {
            reader.Problems.Add(map, "split", "expected train and test fractions above 0");
        }

        var stratified = reader.Boolean(map, "stratified", "split");
        var timeColumn = reader.String(map, "time_column", "split", required: false);
        if (stratified == true && !classification)
        {
            reader.Problems.Add(YamlReader.Get(map, "stratified"), "split.stratified", "expected false for regression (only classes can be stratified)");
        }

        if (stratified == true && timeColumn is not null)
        {
            reader.Problems.Add(YamlReader.Get(map, "stratified"), "split.stratified", "expected false with time_column (a time split keeps time order)");
        }

        var kindText = reader.String(map, "kind", "split", required: false);
        SplitKind? kind = kindText switch { null or "holdout" => SplitKind.Holdout, "kfold" => SplitKind.KFold, _ => null };
        if (kind is null)
        {
            reader.Problems.Add(YamlReader.Get(map, "kind"), "split.kind", "expected holdout or kfold");
        }

        var folds = reader.Integer(map, "folds", "split");
        if (folds is < 2 or > 20)
        {
            reader.Problems.Add(YamlReader.Get(map, "folds"), "split.folds", "expected a whole number from 2 to 20");
        }
        else if (folds is not null && kind != SplitKind.KFold)
        {
            reader.Problems.Add(YamlReader.Get(map, "folds"), "split.folds", "expected only with kind: kfold");
        }

        if (kind == SplitKind.KFold && timeColumn is not null)
        {
            reader.Problems.Add(YamlReader.Get(map, "kind"), "split.kind", "expected holdout with time_column (folds would train on the future)");
        }

        return new SplitSection
        {
            Kind = kind ?? SplitKind.Holdout,
            Folds = folds is >= 2 and <= 20 ? folds.Value : defaults.Folds,
            Train = train,
            Validation = validation,
            Test = test,
            Seed = reader.Integer(map, "seed", "split") ?? defaults.Seed,
            Stratified = stratified ?? (classification && timeColumn is null),
            TimeColumn = timeColumn,
        };
    }

    private static double? Fraction(YamlReader reader, YamlMappingNode map, string key)
    {
        var value = reader.Number(map, key, "split");
        if (value is < 0 or > 1)
        {
            reader.Problems.Add(YamlReader.Get(map, key), "split." + key, "expected a fraction between 0 and 1");
            return null;
        }

        return value;
    }

    private static TrainerSpec? FindTrainer(YamlReader reader, YamlMappingNode map, string? name, MLTask? task)
    {
        if (name is null || task is null)
        {
            return null;
        }

        var spec = TrainerRegistry.Find(task.Value, name);
        if (spec is null)
        {
            reader.Problems.Add(YamlReader.Get(map, "name"), "trainer.name",
                $"unknown trainer '{name}' for task {task.Value.ToString().ToLowerInvariant()}; expected one of {TrainerRegistry.NamesFor(task.Value)}");
        }

        return spec;
    }

    private static string MetricList(MLTask task) =>
        string.Join(", ", MetricNames.For(task)) + (task == MLTask.Multiclass ? ", or per class: precision_class_<class>, recall_class_<class>, f1_class_<class>" : string.Empty);
}
