using Keel.Core.Validation.Gates;
using Keel.ML.Evaluation;
using Keel.ML.Training;
using YamlDotNet.RepresentationModel;

namespace Keel.ML.Pipeline;

public static partial class PipelineParser
{
    private static readonly string[] Stages = ["None", "Staging", "Production", "Archived"];

    private static TrainerSection? ReadTrainer(YamlReader reader, YamlMappingNode root, MLTask? task)
    {
        var map = reader.Map(root, "trainer", string.Empty, required: true);
        if (map is null)
        {
            return null;
        }

        reader.CheckKeys(map, "trainer", "name", "params", "class_weights");
        var name = reader.String(map, "name", "trainer", required: true);
        var spec = FindTrainer(reader, map, name, task);
        var parameters = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (reader.Map(map, "params", "trainer", required: false) is { } paramMap)
        {
            foreach (var (key, value) in paramMap.Children)
            {
                var parameter = (key as YamlScalarNode)?.Value ?? string.Empty;
                var path = "trainer.params." + parameter;
                var known = spec?.Find(parameter);
                var number = known?.Type == HyperParameterType.Boolean && value is YamlScalarNode { Value: "true" or "false" } flag
                    ? (flag.Value == "true" ? 1 : 0)
                    : reader.Number(value, path);
                if (spec is null || number is null)
                {
                    continue;
                }

                if (Check(reader, spec, parameter, number.Value, key, value, path))
                {
                    parameters[known!.Name] = number.Value;
                }
            }

            if (spec is not null && parameters.Count > 0 && MLNetRefuses(spec, parameters) is { } why)
            {
                reader.Problems.Add(paramMap, "trainer.params", $"ML.NET refuses these values: {why}");
            }
        }

        var classWeights = ReadClassWeights(reader, map, task);
        return name is null ? null : new TrainerSection(name, parameters) { ClassWeights = classWeights };
    }

    private static bool Check(YamlReader reader, TrainerSpec spec, string parameter, double value, YamlNode keyNode, YamlNode valueNode, string path)
    {
        var known = spec.Find(parameter);
        if (known is null)
        {
            var suggestions = spec.Suggest(parameter);
            var hint = suggestions.Count > 0 ? $"did you mean {string.Join(" or ", suggestions)}? " : string.Empty;
            reader.Problems.Add(keyNode, path,
                $"unknown hyper-parameter for {spec.Name}; {hint}{spec.Name} accepts {spec.Parameters.Count}: {string.Join(", ", spec.Parameters.Select(p => p.Name))} (see docs/pipeline-trainers.md)");
            return false;
        }

        if (known.Check(value) is { } why)
        {
            reader.Problems.Add(valueNode, path, why);
            return false;
        }

        return true;
    }

    /// <summary>ML.NET's own checks of the options (made when a trainer is created), or null when it accepts them.</summary>
    private static string? MLNetRefuses(TrainerSpec spec, IReadOnlyDictionary<string, double> parameters)
    {
        try
        {
            spec.Create(new Microsoft.ML.MLContext(0), parameters, 0, null);
            return null;
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or FormatException)
        {
            return error.Message;
        }
    }

    private static SweepSection? ReadSweep(YamlReader reader, YamlMappingNode root, MLTask task, TrainerSection? trainer, SplitSection split)
    {
        var map = reader.Map(root, "sweep", string.Empty, required: false);
        if (map is null)
        {
            return null;
        }

        reader.CheckKeys(map, "sweep", "method", "metric", "trials", "params");
        var methodText = reader.String(map, "method", "sweep", required: true);
        SweepMethod? method = methodText switch { "grid" => SweepMethod.Grid, "random" => SweepMethod.Random, _ => null };
        if (methodText is not null && method is null)
        {
            reader.Problems.Add(YamlReader.Get(map, "method"), "sweep.method", "expected grid or random");
        }

        var metric = reader.String(map, "metric", "sweep", required: false) ?? MetricNames.Primary(task);
        if (!MetricNames.IsKnown(task, metric))
        {
            reader.Problems.Add(YamlReader.Get(map, "metric"), "sweep.metric", $"expected one of {MetricList(task)}");
        }

        var trials = reader.Integer(map, "trials", "sweep") ?? 10;
        if (trials is < 1 or > 1000)
        {
            reader.Problems.Add(YamlReader.Get(map, "trials"), "sweep.trials", "expected a whole number from 1 to 1000");
        }

        if (split.Validation <= 0)
        {
            reader.Problems.Add(map, "sweep", "expected a validation fraction above 0 in split: (trials are compared on it)");
        }

        var spec = trainer is null ? null : TrainerRegistry.Find(task, trainer.Name);
        var space = new SortedDictionary<string, SweepSpace>(StringComparer.Ordinal);
        var paramMap = reader.Map(map, "params", "sweep", required: true);
        foreach (var (key, value) in paramMap?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var parameter = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (ReadSpace(reader, spec, method, parameter, key, value) is { } candidates)
            {
                space[spec?.Find(parameter)?.Name ?? parameter] = candidates;
            }
        }

        if (paramMap is not null && paramMap.Children.Count == 0)
        {
            reader.Problems.Add(paramMap, "sweep.params", "expected at least one hyper-parameter to sweep");
        }

        return method is null ? null : new SweepSection { Method = method.Value, Metric = metric, Trials = trials, Parameters = space };
    }

    private static SweepSpace? ReadSpace(YamlReader reader, TrainerSpec? spec, SweepMethod? method, string parameter, YamlNode key, YamlNode value)
    {
        var path = "sweep.params." + parameter;
        if (value is YamlSequenceNode list)
        {
            var values = new List<double>();
            foreach (var item in list.Children)
            {
                if (reader.Number(item, path) is { } number && (spec is null || Check(reader, spec, parameter, number, key, item, path)))
                {
                    values.Add(number);
                }
            }

            if (list.Children.Count == 0)
            {
                reader.Problems.Add(list, path, "expected at least one value");
            }

            return new SweepSpace(values);
        }

        if (value is YamlMappingNode range)
        {
            reader.CheckKeys(range, path, "min", "max", "log");
            var min = reader.Number(range, "min", path);
            var max = reader.Number(range, "max", path);
            var log = reader.Boolean(range, "log", path) ?? false;
            if (method == SweepMethod.Grid)
            {
                reader.Problems.Add(range, path, "expected a list of values (ranges need method: random)");
            }

            if (min is null || max is null || min > max || (log && min <= 0))
            {
                reader.Problems.Add(range, path, "expected min <= max (both above 0 with log: true)");
                return null;
            }

            if (spec is not null && (!Check(reader, spec, parameter, min.Value, key, range, path) || !Check(reader, spec, parameter, max.Value, key, range, path)))
            {
                return null;
            }

            return new SweepSpace([], min.Value, max.Value, log);
        }

        reader.Problems.Add(value, path, "expected a list of values or {min: a, max: b}");
        return null;
    }

    private static Dictionary<string, MetricThreshold> ReadThresholds(YamlReader reader, YamlMappingNode root, MLTask task)
    {
        var result = new Dictionary<string, MetricThreshold>(StringComparer.Ordinal);
        var map = reader.Map(root, "thresholds", string.Empty, required: false);
        foreach (var (key, value) in map?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var metric = (key as YamlScalarNode)?.Value ?? string.Empty;
            var path = "thresholds." + metric;
            if (!MetricNames.IsKnown(task, metric))
            {
                reader.Problems.Add(key, path, $"unknown metric for this task; expected one of {MetricList(task)}");
                continue;
            }

            if (value is YamlMappingNode bounds)
            {
                reader.CheckKeys(bounds, path, "min", "max", "min_absolute_change", "min_relative_change");
                var min = reader.Number(bounds, "min", path);
                var max = reader.Number(bounds, "max", path);
                var absolute = reader.Number(bounds, "min_absolute_change", path);
                var relative = reader.Number(bounds, "min_relative_change", path);
                if (min is null && max is null && absolute is null && relative is null)
                {
                    reader.Problems.Add(bounds, path, "expected min:, max:, min_absolute_change: or min_relative_change:");
                }
                else if (min is not null && max is not null && min > max)
                {
                    reader.Problems.Add(bounds, path, "expected min <= max");
                }
                else if (absolute is not null && !(absolute > 0))
                {
                    reader.Problems.Add(YamlReader.Get(bounds, "min_absolute_change"), path + ".min_absolute_change", "expected a positive number");
                }
                else if (relative is not null && !(relative >= 0 && relative <= 1))
                {
                    reader.Problems.Add(YamlReader.Get(bounds, "min_relative_change"), path + ".min_relative_change", "expected a number between 0 and 1");
                }
                else
                {
                    var greater = MetricNames.HigherIsBetter(metric);
                    result[metric] = new MetricThreshold(metric)
                    {
                        Threshold = greater ? min : max,
                        OppositeBound = greater ? max : min,
                        MinAbsoluteChange = absolute,
                        MinRelativeChange = relative,
                        GreaterIsBetter = greater,
                    };
                }
            }
            else if (reader.Number(value, path) is { } bound)
            {
                // A bare number is a floor for scores and a ceiling for losses and errors.
                result[metric] = new MetricThreshold(metric) { Threshold = bound, GreaterIsBetter = MetricNames.HigherIsBetter(metric) };
            }
        }

        return result;
    }

    private static RegistrationSection? ReadRegistration(YamlReader reader, YamlMappingNode root)
    {
        var map = reader.Map(root, "registration", string.Empty, required: false);
        if (map is null)
        {
            return null;
        }

        reader.CheckKeys(map, "registration", "model_name", "alias", "stage", "champion");
        var modelName = reader.String(map, "model_name", "registration", required: true);
        var alias = reader.String(map, "alias", "registration", required: false);
        var stage = reader.String(map, "stage", "registration", required: false);
        var champion = reader.String(map, "champion", "registration", required: false);
        if (champion is not null && !champion.StartsWith('@') && Array.IndexOf(Stages, champion) < 0)
        {
            reader.Problems.Add(YamlReader.Get(map, "champion"), "registration.champion", $"expected @alias (e.g. @champion) or a stage: {string.Join(", ", Stages)}");
        }
        if (stage is not null && Array.IndexOf(Stages, stage) < 0)
        {
            reader.Problems.Add(YamlReader.Get(map, "stage"), "registration.stage", $"expected one of {string.Join(", ", Stages)}");
        }

        return modelName is null ? null : new RegistrationSection(modelName, alias, stage) { Champion = champion ?? RegistrationSection.DefaultChampion };
    }
}
