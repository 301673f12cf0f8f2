using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.ML.Trainers.LightGbm;

namespace Keel.ML.Training;

/// <summary>
/// Hyper-parameters read from ML.NET's trainer <c>Options</c> classes by reflection, so every
/// numeric and boolean option is reachable by name, with ML.NET's default; and options objects
/// filled from <c>pipeline.yaml</c> values. Options Keel manages (columns, seed, threads,
/// determinism, logging) and options of other types (enums, strings, objects) are not exposed.
/// </summary>
internal static class TrainerOptions
{
    /// <summary>Fields Keel sets itself: columns, the seed, one thread (the same model every run), and logging.</summary>
    private static readonly HashSet<string> Managed = new(StringComparer.Ordinal)
    {
        "LabelColumnName", "FeatureColumnName", "ExampleWeightColumnName", "RowGroupColumnName", "SamplingKeyColumnName",
        "Seed", "NumberOfThreads", "Deterministic", "Silent", "Verbose", "ExecutionTime", "DiskTranspose",
        "PrintTestGraph", "PrintTrainValidGraph", "TestFrequency", "FeatureFlocks", "MemoryStatistics",
    };

    /// <summary>Ranges where ML.NET's type allows more than it accepts (checked before ML.NET's own checks).</summary>
    private static readonly Dictionary<string, (double Min, double Max)> Ranges = new(StringComparer.Ordinal)
    {
        ["number_of_trees"] = (1, 10_000),
        ["number_of_iterations"] = (1, 10_000),
        ["number_of_leaves"] = (2, 1_024),
        ["minimum_example_count_per_leaf"] = (1, 100_000),
        ["learning_rate"] = (1e-6, 10),
        ["l1_regularization"] = (0, 1e6),
        ["l2_regularization"] = (0, 1e6),
        ["maximum_number_of_iterations"] = (1, int.MaxValue),
        ["optimization_tolerance"] = (1e-12, 1),
        ["feature_fraction"] = (1e-6, 1),
        ["subsample_fraction"] = (1e-6, 1),
        ["bagging_example_fraction"] = (1e-6, 1),
        ["feature_fraction_per_split"] = (1e-6, 1),
        ["shrinkage"] = (1e-6, 1e6),
    };

    /// <summary>Every exposed hyper-parameter of <paramref name="optionsType"/>, sorted by name.</summary>
    public static HyperParameterSpec[] Describe(Type optionsType)
    {
        var defaults = Activator.CreateInstance(optionsType)!;
        var result = new SortedDictionary<string, HyperParameterSpec>(StringComparer.Ordinal);
        foreach (var spec in FieldsOf(optionsType, defaults, onBooster: false))
        {
            result[spec.Name] = spec;
        }

        // LightGBM's tree options (feature_fraction, l2_regularization ...) sit on its booster.
        if (BoosterOf(defaults) is { } booster)
        {
            foreach (var spec in FieldsOf(booster.GetType(), booster, onBooster: true))
            {
                result.TryAdd(spec.Name, spec);
            }
        }

        return [.. result.Values];
    }

    /// <summary>A new options object: Keel's fixed settings, then the given values.</summary>
    public static object Create(Type optionsType, IReadOnlyList<HyperParameterSpec> specs, IReadOnlyDictionary<string, double> values, int? seed, string? weightColumn)
    {
        var options = Activator.CreateInstance(optionsType)!;
        Set(options, "LabelColumnName", TrainerRegistry.LabelColumn);
        Set(options, "FeatureColumnName", TrainerRegistry.FeaturesColumn);
        Set(options, "ExampleWeightColumnName", weightColumn);
        Set(options, "NumberOfThreads", 1);
        Set(options, "Deterministic", true);
        Set(options, "Silent", true);
        if (seed is { } s)
        {
            Set(options, "Seed", s);
        }

        object? booster = null;
        foreach (var (name, value) in values)
        {
            var spec = specs.First(p => p.Name == name || p.OptionName == name);
            if (spec.OnBooster)
            {
                booster ??= BoosterOf(options);
            }

            spec.Field!.SetValue(spec.OnBooster ? booster! : options, Convert(spec.Field.FieldType, value));
        }

        // The booster is a property over the options' booster factory: set it back so the trainer sees the values.
        if (booster is not null)
        {
            options.GetType().GetProperty("Booster")!.SetValue(options, booster);
        }

        return options;
    }

    /// <summary>LightGBM's booster options (a property of its trainer options), or null for other trainers.</summary>
    /// <remarks>ML.NET leaves it null until a trainer is made, and then uses gradient boosting with its defaults: the same as a new <see cref="GradientBooster.Options"/>.</remarks>
    private static object? BoosterOf(object options) =>
        options.GetType().GetProperty("Booster", BindingFlags.Public | BindingFlags.Instance) is { } property
            ? property.GetValue(options) ?? new GradientBooster.Options()
            : null;

    /// <summary>The snake_case form of an ML.NET option name: <c>L1Regularization</c> is <c>l1_regularization</c>.</summary>
    public static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    private static IEnumerable<HyperParameterSpec> FieldsOf(Type type, object defaults, bool onBooster)
    {
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            if (Managed.Contains(field.Name) || field.IsInitOnly || TypeOf(field.FieldType) is not { } kind)
            {
                continue;
            }

            var name = SnakeCase(field.Name);
            var integral = kind != HyperParameterType.Real;
            var value = field.GetValue(defaults);

            // Without a known range: from 0 (or a negative default, e.g. -1 for "no limit") up.
            var floor = Math.Min(0, value is IConvertible c and not bool ? c.ToDouble(CultureInfo.InvariantCulture) : 0);
            var (min, max) = Ranges.TryGetValue(name, out var range) ? range
                : kind == HyperParameterType.Boolean ? (0, 1)
                : integral ? (floor, int.MaxValue)
                : (floor, double.MaxValue);
            yield return new HyperParameterSpec(name, integral, min, max)
            {
                OptionName = field.Name,
                Type = kind,
                Default = DefaultText(value),
                Field = field,
                OnBooster = onBooster,
            };
        }
    }

    private static HyperParameterType? TypeOf(Type type)
    {
        var core = Nullable.GetUnderlyingType(type) ?? type;
        return core == typeof(bool) ? HyperParameterType.Boolean
            : core == typeof(int) || core == typeof(uint) || core == typeof(long) ? HyperParameterType.Integer
            : core == typeof(float) || core == typeof(double) ? HyperParameterType.Real
            : null;
    }

    private static object Convert(Type type, double value)
    {
        var core = Nullable.GetUnderlyingType(type) ?? type;
        // Each branch boxed on its own: a ?: chain of numbers would widen them all to double.
        return core == typeof(bool) ? value != 0
            : core == typeof(int) ? (object)(int)value
            : core == typeof(uint) ? (object)(uint)value
            : core == typeof(long) ? (object)(long)value
            : core == typeof(float) ? (object)(float)value
            : (object)value;
    }

    private static string DefaultText(object? value) => value switch
    {
        null => "auto",
        bool b => b ? "true" : "false",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "auto",
    };

    private static void Set(object options, string field, object? value)
    {
        if (options.GetType().GetField(field) is { } info)
        {
            info.SetValue(options, value is null ? null : System.Convert.ChangeType(value, Nullable.GetUnderlyingType(info.FieldType) ?? info.FieldType, CultureInfo.InvariantCulture));
        }
    }
}
