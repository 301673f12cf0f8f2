namespace Keel.Monitoring.Performance.Estimation;

/// <summary>
/// Settings of <see cref="CbpeEstimator"/>: when the reference is good enough to vouch for an
/// estimate, how calibration is checked, and how the sampling error is drawn.
/// </summary>
public sealed class CbpeOptions
{
    /// <summary>Fewest labelled reference rows the calibration check accepts.</summary>
    /// <value>Default 500.</value>
    public int MinReferenceRows { get; init; } = 500;

    /// <summary>Fewest labelled reference rows of every class the calibration check accepts.</summary>
    /// <value>Default 20.</value>
    public int MinReferenceRowsPerClass { get; init; } = 20;

    /// <summary>
    /// Largest expected calibration error (class-wise, held-out, see <see cref="CalibrationCheck"/>)
    /// of the probabilities the estimate uses. The bound actually applied is the larger of this and
    /// <see cref="NoiseAllowance"/> times the error a perfectly calibrated model would show on a
    /// reference of this size, so small references are not refused for sampling noise alone.
    /// </summary>
    /// <value>Default 0.05.</value>
    public double MaxCalibrationError { get; init; } = 0.05;

    /// <summary>How many times the expected calibration error of a perfectly calibrated model the bound allows.</summary>
    /// <value>Default 2.</value>
    public double NoiseAllowance { get; init; } = 2.0;

    /// <summary>Equal-count bins of the expected calibration error (NannyML's choice).</summary>
    /// <value>Default 10.</value>
    public int CalibrationBins { get; init; } = 10;

    /// <summary>Folds of the cross-fitted calibration check.</summary>
    /// <value>Default 5.</value>
    public int CalibrationFolds { get; init; } = 5;

    /// <summary>Label draws of the sampling standard error (metrics other than accuracy).</summary>
    /// <value>Default 200.</value>
    public int SamplingDraws { get; init; } = 200;

    /// <summary>
    /// Most window rows the label draws of the sampling standard error run over: a larger window
    /// draws over a seeded subsample of about this many rows (stratified by predicted class: each
    /// class keeps its share) and scales the spread by √(m/n)
    /// (the spread of these metrics shrinks as 1/√n), so the error costs
    /// <see cref="SamplingDraws"/> × this many row draws whatever the window's size; the estimate
    /// itself always uses every row, and accuracy's closed-form error too. 0: every row (the cost
    /// grows with the window: 200 draws × 12.7 million rows is 2.5 billion draws).
    /// </summary>
    /// <value>Default 20,000.</value>
    public int SamplingRows { get; init; } = 20_000;

    /// <summary>Seed of the fold assignment and of the label draws (estimates are deterministic).</summary>
    /// <value>Default 42.</value>
    public int Seed { get; init; } = 42;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (MinReferenceRows < 10 || MinReferenceRowsPerClass < 2 || CalibrationBins < 2 || CalibrationFolds < 2 || SamplingDraws < 10
            || !(MaxCalibrationError is > 0 and < 1) || !(NoiseAllowance >= 0) || SamplingRows is < 0 or (> 0 and < 1_000))
        {
            throw new ArgumentOutOfRangeException(nameof(CbpeOptions), "CBPE options out of range: min_reference_rows >= 10, per class >= 2, bins and folds >= 2, draws >= 10, 0 < max_calibration_error < 1, noise_allowance >= 0, sampling rows 0 or >= 1,000.");
        }
    }
}
