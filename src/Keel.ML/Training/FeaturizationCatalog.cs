using Keel.ML.Pipeline;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Keel.ML.Training;

/// <summary>
/// Featurisation done for the user: numeric (and datetime part) columns get missing values
/// replaced by the training mean, categorical columns are one-hot encoded, text columns are
/// n-gram featurised, everything is concatenated into <c>Features</c>, and min-max normalised
/// when the trainer needs it.
/// </summary>
public sealed class FeaturizationCatalog
{
    private readonly MLContext _context;

    internal FeaturizationCatalog(MLContext context) => _context = context;

    /// <summary>The featurisation estimator for these inputs.</summary>
    /// <param name="features">The input columns.</param>
    /// <param name="normalize">Whether to min-max normalise the feature vector.</param>
    public IEstimator<ITransformer> Featurize(IReadOnlyList<FeatureColumn> features, bool normalize)
    {
        ArgumentNullException.ThrowIfNull(features);
        return Featurize(new FeaturizationOptions { Features = features, Normalize = normalize });
    }

    /// <summary>The featurisation estimator described by <paramref name="options"/>.</summary>
    public IEstimator<ITransformer> Featurize(FeaturizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var numeric = new List<InputOutputColumnPair>();
        var categorical = new List<InputOutputColumnPair>();
        var text = new List<string>();
        var all = new List<string>();
        foreach (var feature in options.Features)
        {
            foreach (var name in ViewColumnNames(feature, options.DateParts))
            {
                all.Add(name);
                switch (feature.Kind)
                {
                    case ColumnKind.Numeric or ColumnKind.DateTime:
                        numeric.Add(new InputOutputColumnPair(name, name));
                        break;
                    case ColumnKind.Categorical:
                        categorical.Add(new InputOutputColumnPair(name, name));
                        break;
                    default:
                        text.Add(name);
                        break;
                }
            }
        }

        IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();

        // Derived columns first (ML.NET expression transforms over the numeric inputs), then they
        // are numeric features like any other: missing (non-finite) values get the training mean.
        foreach (var derived in options.Derived)
        {
            pipeline = pipeline.Append(_context.Transforms.Expression(derived.Name, derived.MLNetExpression, [.. derived.Sources]));
            numeric.Add(new InputOutputColumnPair(derived.Name, derived.Name));
            all.Add(derived.Name);
        }

        if (numeric.Count > 0)
        {
            pipeline = pipeline.Append(_context.Transforms.ReplaceMissingValues([.. numeric], MissingValueReplacingEstimator.ReplacementMode.Mean));
        }

        if (categorical.Count > 0)
        {
            pipeline = pipeline.Append(_context.Transforms.Categorical.OneHotEncoding([.. categorical]));
        }

        foreach (var name in text)
        {
            pipeline = pipeline.Append(_context.Transforms.Text.FeaturizeText(name, name));
        }

        pipeline = pipeline.Append(_context.Transforms.Concatenate(TrainerRegistry.FeaturesColumn, [.. all]));
        if (options.Normalize)
        {
            pipeline = pipeline.Append(_context.Transforms.NormalizeMinMax(TrainerRegistry.FeaturesColumn));
        }

        return pipeline.AppendCacheCheckpoint(_context);
    }

    private static IEnumerable<string> ViewColumnNames(FeatureColumn feature, IReadOnlyDictionary<string, IReadOnlyList<string>> dateParts) =>
        feature.Kind == ColumnKind.DateTime && dateParts.TryGetValue(feature.Name, out var parts)
            ? parts.Select(p => $"{feature.Name}.{p}")
            : feature.ViewColumnNames();
}

/// <summary>Options of <see cref="FeaturizationCatalog.Featurize(FeaturizationOptions)"/>.</summary>

public sealed class FeaturizationOptions
{
    /// <summary>The input columns.</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<FeatureColumn> Features { get; init; } = [];

    /// <summary>Whether to min-max normalise the feature vector.</summary>
    /// <value>False.</value>
    public bool Normalize { get; init; }

    /// <summary>Numeric columns computed from numeric inputs before featurisation (<c>data.derived</c>).</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<DerivedColumn> Derived { get; init; } = [];

    /// <summary>
    /// The datetime parts used per column. The view always holds every part (training and serving
    /// build it the same way); the model concatenates only these, so the choice is saved with it.
    /// </summary>
    /// <value>Empty: every part of every datetime column.</value>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DateParts { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}
