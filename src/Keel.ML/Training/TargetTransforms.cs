using Keel.ML.Pipeline;
using Microsoft.ML;

namespace Keel.ML.Training;

/// <summary>
/// The regression target transforms (<c>data.target_transform</c>): the label a trainer fits is
/// <c>ln(y)</c> or <c>ln(1 + y)</c>, and the model ends with ML.NET's expression transform mapping
/// its <c>Score</c> back (<c>exp(s)</c>, <c>exp(s) - 1</c>). The inverse is part of the saved
/// model, so evaluation, gates and served answers are all in the target's own units.
/// </summary>
public static class TargetTransforms
{
    /// <summary>The transformed label of <paramref name="value"/>.</summary>
    public static double Forward(TargetTransform transform, double value) => transform switch
    {
        TargetTransform.Log => Math.Log(value),
        TargetTransform.Log1p => Math.Log(1 + value),
        _ => value,
    };

    /// <summary>The original units of a transformed <paramref name="value"/>.</summary>
    public static double Inverse(TargetTransform transform, double value) => transform switch
    {
        TargetTransform.Log => Math.Exp(value),
        TargetTransform.Log1p => Math.Exp(value) - 1,
        _ => value,
    };

    /// <summary>Whether <paramref name="value"/> lies in the transform's domain (above 0 for log, above -1 for log1p).</summary>
    public static bool InDomain(TargetTransform transform, double value) => transform switch
    {
        TargetTransform.Log => value > 0,
        TargetTransform.Log1p => value > -1,
        _ => true,
    };

    /// <summary>The domain in words, for error messages.</summary>
    public static string Domain(TargetTransform transform) => transform == TargetTransform.Log ? "above 0" : "above -1";

    /// <summary>The pipeline name of a transform (<c>none</c>, <c>log</c>, <c>log1p</c>).</summary>
    public static string Name(TargetTransform transform) => transform.ToString().ToLowerInvariant();

    /// <summary>The estimator that maps the trainer's <c>Score</c> back to the target's units, or null for none.</summary>
    internal static IEstimator<ITransformer>? Inverse(MLContext context, TargetTransform transform) => transform switch
    {
        TargetTransform.Log => context.Transforms.Expression("Score", "s => exp(s)", "Score"),
        TargetTransform.Log1p => context.Transforms.Expression("Score", "s => exp(s) - 1", "Score"),
        _ => null,
    };
}
