namespace Keel.Monitoring.Performance.Estimation;

/// <summary>
/// How the reference's probabilities fared in <see cref="CbpeEstimator"/>'s calibration check.
/// Errors are class-wise expected calibration errors (for each class, one against the rest, rows
/// sorted by probability and cut into equal-count bins; Σ (bin rows / rows) × |mean probability −
/// share of the class|; averaged over the classes — over the positive class alone for binary
/// models) measured on held-out folds: the calibrated error of a row comes from a calibrator fitted
/// on the other folds, so isotonic regression cannot flatter itself.
/// </summary>
/// <param name="ReferenceRows">Labelled reference rows used.</param>
/// <param name="RawError">Error of the model's own probabilities.</param>
/// <param name="CalibratedError">Error of the cross-fitted isotonic probabilities.</param>
/// <param name="AllowedError">The bound: the larger of the configured maximum and the noise allowance times the error a perfectly calibrated model would show here.</param>
/// <param name="Calibrated">Whether the estimate uses isotonic calibration (fitted on the whole reference): chosen when it lowers the held-out error, as NannyML decides.</param>
/// <param name="Passed">Whether the error of the probabilities used is within the bound.</param>
public sealed record CalibrationCheck(int ReferenceRows, double RawError, double CalibratedError, double AllowedError, bool Calibrated, bool Passed)
{
    /// <summary>The error of the probabilities the estimate uses.</summary>
    public double UsedError => Calibrated ? CalibratedError : RawError;
}

/// <summary>What <see cref="CbpeEstimator.Evaluate"/> found: the estimate, or why there is none.</summary>
/// <param name="Estimate">The estimate; null when refused.</param>
/// <param name="Calibration">The calibration check; null when it did not run (bad input, too little reference).</param>
/// <param name="Refusal">Why there is no estimate; null when there is one.</param>
public sealed record CbpeOutcome(PerformanceEstimate? Estimate, CalibrationCheck? Calibration, string? Refusal);
