using Keel.ML.Pipeline;
using Microsoft.ML;

namespace Keel.ML.Training;

/// <summary>Creates an ML.NET estimator from typed hyper-parameters.</summary>
/// <param name="context">The ML context (seeded).</param>
/// <param name="parameters">Hyper-parameters by snake_case name; absent ones keep ML.NET's defaults.</param>
/// <param name="seed">The seed for trainers that take their own.</param>
/// <param name="weightColumn">The example weight column (<see cref="TrainerRegistry.WeightColumn"/>), or null for equal weights.</param>
public delegate IEstimator<ITransformer> TrainerFactory(MLContext context, IReadOnlyDictionary<string, double> parameters, int seed, string? weightColumn);

/// <summary>A trainer Keel knows by name for one task.</summary>
/// <param name="Name">The name in <c>pipeline.yaml</c>, e.g. <c>FastTree</c>.</param>
/// <param name="Task">The task it serves.</param>
/// <param name="NeedsNormalization">Whether features are min-max normalised first (linear trainers).</param>
/// <param name="Parameters">The accepted hyper-parameters.</param>
/// <param name="Create">The estimator factory; reads label <c>Label</c> and features <c>Features</c>.</param>
public sealed record TrainerSpec(
    string Name,
    MLTask Task,
    bool NeedsNormalization,
    IReadOnlyList<HyperParameterSpec> Parameters,
    TrainerFactory Create)
{
    /// <summary>The ML.NET options class the hyper-parameters are fields of.</summary>
    public Type? OptionsType { get; init; }

    /// <summary>The accepted parameter with this snake_case name or ML.NET option name, or null.</summary>
    public HyperParameterSpec? Find(string name)
    {
        foreach (var parameter in Parameters)
        {
            if (string.Equals(parameter.Name, name, StringComparison.Ordinal) || string.Equals(parameter.OptionName, name, StringComparison.Ordinal))
            {
                return parameter;
            }
        }

        return null;
    }

    /// <summary>Up to three accepted names closest to <paramref name="name"/> (by edit distance), for "did you mean" messages.</summary>
    public IReadOnlyList<string> Suggest(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var wanted = TrainerOptions.SnakeCase(name);
        return Parameters
            .Select(p => (p.Name, Distance: EditDistance(wanted, p.Name)))
            .Where(p => p.Distance <= Math.Max(2, wanted.Length / 3) || p.Name.Contains(wanted, StringComparison.Ordinal) || (wanted.Length >= 3 && wanted.Contains(p.Name, StringComparison.Ordinal)))
            .OrderBy(p => p.Distance).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Take(3).Select(p => p.Name).ToArray();
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
