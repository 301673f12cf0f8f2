namespace Keel.Monitoring.Performance.Estimation;

/// <summary>
/// The calibration check and fit of <see cref="CbpeEstimator"/>: cross-fitted isotonic
/// calibration against the model's own probabilities on held-out folds (NannyML's
/// <c>needs_calibration</c> compares the same two errors on shuffled splits), then, when it helps,
/// one isotonic calibrator per calibrated class fitted on the whole reference.
/// </summary>
internal sealed class Calibration
{
    private readonly IsotonicCalibrator[]? _calibrators;
    private readonly int _classes;

    private Calibration(CalibrationCheck check, IsotonicCalibrator[]? calibrators, int classes)
    {
        Check = check;
        _calibrators = calibrators;
        _classes = classes;
    }

    public CalibrationCheck Check { get; }

    /// <summary>Checks and fits on reference probabilities <paramref name="p"/> (rows × classes) with true class indexes <paramref name="label"/>.</summary>
    public static Calibration Fit(double[][] p, int[] label, int classes, CbpeOptions options)
    {
        int n = p.Length;
        var folds = StratifiedFolds(label, classes, options.CalibrationFolds, options.Seed);
        var crossFitted = new double[n][];
        var columns = CalibratedColumns(classes);
        for (int k = 0; k < options.CalibrationFolds; k++)
        {
            var train = Enumerable.Range(0, n).Where(i => folds[i] != k).ToArray();
            var held = Enumerable.Range(0, n).Where(i => folds[i] == k).ToArray();
            var calibrators = FitColumns(p, label, columns, train);
            foreach (int i in held)
            {
                crossFitted[i] = Apply(calibrators, p[i], classes);
            }
        }

        double raw = ClassWiseError(p, label, columns, options.CalibrationBins, out double rawNoise);
        double calibrated = ClassWiseError(crossFitted, label, columns, options.CalibrationBins, out double calibratedNoise);
        bool calibrate = calibrated < raw;
        double allowed = Math.Max(options.MaxCalibrationError, options.NoiseAllowance * (calibrate ? calibratedNoise : rawNoise));
        var check = new CalibrationCheck(n, raw, calibrated, allowed, calibrate, (calibrate ? calibrated : raw) <= allowed);
        var all = Enumerable.Range(0, n).ToArray();
        return new Calibration(check, calibrate ? FitColumns(p, label, columns, all) : null, classes);
    }

    /// <summary>The probabilities the estimate uses for one row (a new array when calibrated).</summary>
    public double[] Apply(double[] row) => _calibrators is null ? row : Apply(_calibrators, row, _classes);

    /// <summary>Binary: the positive class alone (the other is its complement); multiclass: every class.</summary>
    private static int[] CalibratedColumns(int classes) => classes == 2 ? [1] : Enumerable.Range(0, classes).ToArray();

    private static IsotonicCalibrator[] FitColumns(double[][] p, int[] label, int[] columns, int[] rows)
    {
        var result = new IsotonicCalibrator[columns.Length];
        var score = new double[p.Length];
        var outcome = new double[p.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            int column = columns[c];
            foreach (int i in rows)
            {
                score[i] = p[i][column];
                outcome[i] = label[i] == column ? 1 : 0;
            }

            result[c] = IsotonicCalibrator.Fit(score, outcome, rows);
        }

        return result;
    }

    private static double[] Apply(IsotonicCalibrator[] calibrators, double[] row, int classes)
    {
        var q = new double[classes];
        if (classes == 2)
        {
            q[1] = calibrators[0].Predict(row[1]);
            q[0] = 1 - q[1];
            return q;
        }

        double sum = 0;
        for (int c = 0; c < classes; c++)
        {
            q[c] = calibrators[c].Predict(row[c]);
            sum += q[c];
        }

        // One-vs-rest calibrators need not sum to one; renormalise (NannyML does the same), and keep
        // the model's own row when every calibrator says zero.
        if (sum <= 0)
        {
            return (double[])row.Clone();
        }

        for (int c = 0; c < classes; c++)
        {
            q[c] /= sum;
        }

        return q;
    }

    /// <summary>Rows of each class shuffled and dealt round-robin into folds, so every fold holds every class.</summary>
    private static int[] StratifiedFolds(int[] label, int classes, int folds, int seed)
    {
        var random = new Random(seed);
        var order = Enumerable.Range(0, label.Length).ToArray();
        random.Shuffle(order);
        var result = new int[label.Length];
        var next = new int[classes];
        foreach (int i in order)
        {
            result[i] = next[label[i]]++ % folds;
        }

        return result;
    }

    /// <summary>Mean over <paramref name="columns"/> of the one-vs-rest expected calibration error, and of its expected value under perfect calibration.</summary>
    private static double ClassWiseError(double[][] p, int[] label, int[] columns, int bins, out double noise)
    {
        double total = 0;
        noise = 0;
        var values = new double[p.Length];
        var outcome = new double[p.Length];
        foreach (int column in columns)
        {
            for (int i = 0; i < p.Length; i++)
            {
                values[i] = p[i][column];
                outcome[i] = label[i] == column ? 1 : 0;
            }

            total += ExpectedCalibrationError(values, outcome, bins, out double columnNoise);
            noise += columnNoise;
        }

        noise /= columns.Length;
        return total / columns.Length;
    }

    /// <summary>
    /// Expected calibration error with equal-count bins over the sorted probabilities (NannyML's
    /// binning), and <paramref name="noise"/>: its expected value if the probabilities were exactly
    /// right, Σ (bin rows / rows) × √(2/π) × √(Σ p(1 − p)) / bin rows (the mean absolute value of
    /// each bin's error taken as normal).
    /// </summary>
    internal static double ExpectedCalibrationError(double[] probability, double[] outcome, int bins, out double noise)
    {
        int n = probability.Length;
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort((double[])probability.Clone(), order);
        bins = Math.Max(1, Math.Min(bins, n / 2));
        double ece = 0;
        noise = 0;
        for (int b = 0; b < bins; b++)
        {
            int start = (int)((long)b * n / bins), end = (int)((long)(b + 1) * n / bins);
            double sumP = 0, sumY = 0, variance = 0;
            for (int j = start; j < end; j++)
            {
                double v = probability[order[j]];
                sumP += v;
                sumY += outcome[order[j]];
                variance += v * (1 - v);
            }

            int rows = end - start;
            if (rows == 0)
            {
                continue;
            }

            ece += Math.Abs(sumP - sumY) / n;
            noise += Math.Sqrt(2 / Math.PI) * Math.Sqrt(variance) / n;
        }

        return ece;
    }
}
