namespace Keel.Monitoring.Performance;

/// <summary>
/// Performance metrics with scikit-learn's definitions: accuracy; precision, recall and F1
/// averaged over classes weighted by support (zero_division = 0); binary ROC AUC (Mann-Whitney form,
/// ties count half) and log loss (probabilities clipped to [1e-15, 1 − 1e-15]); MSE, MAE, RMSE,
/// R² (1 when perfect on constant labels, else 0 then) and MAPE (|y − ŷ| / max(|y|, ε)).
/// </summary>
public static class Metrics
{
    /// <summary>numpy's float64 machine epsilon, MAPE's floor for |y|.</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>Classification metrics over labelled records. Classes are the distinct label and prediction values.</summary>
    /// <param name="records">Records; those without a label are ignored.</param>
    /// <param name="positiveClass">Class whose <see cref="PredictionRecord.Score"/> is given (binary ROC AUC and log loss).</param>
    public static IReadOnlyDictionary<string, double> Classification(IEnumerable<PredictionRecord> records, double positiveClass = 1.0)
    {
        var labelled = records.Where(r => r.Label is not null).ToList();
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (labelled.Count == 0)
        {
            return result;
        }

        var classes = labelled.Select(r => r.Label!.Value).Concat(labelled.Select(r => r.Prediction)).Distinct().OrderBy(c => c).ToArray();
        int correct = labelled.Count(r => r.Prediction == r.Label);
        double precision = 0, recall = 0, f1 = 0;
        foreach (double c in classes)
        {
            int tp = labelled.Count(r => r.Prediction == c && r.Label == c);
            int predicted = labelled.Count(r => r.Prediction == c);
            int support = labelled.Count(r => r.Label == c);
            double p = predicted == 0 ? 0 : tp / (double)predicted;
            double rc = support == 0 ? 0 : tp / (double)support;
            double f = p + rc == 0 ? 0 : 2 * p * rc / (p + rc);
            double w = support / (double)labelled.Count;
            precision += w * p;
            recall += w * rc;
            f1 += w * f;
        }

        result["accuracy"] = correct / (double)labelled.Count;
        result["precision"] = precision;
        result["recall"] = recall;
        result["f1"] = f1;
        var scored = labelled.Where(r => r.Score is not null).ToList();
        if (scored.Count == labelled.Count)
        {
            var y = scored.Select(r => r.Label == positiveClass).ToArray();
            var s = scored.Select(r => r.Score!.Value).ToArray();
            double auc = RocAuc(y, s);
            if (!double.IsNaN(auc))
            {
                result["roc_auc"] = auc;
            }

            result["log_loss"] = LogLoss(y, s);
        }

        return result;
    }

    /// <summary>Regression metrics over labelled records.</summary>
    public static IReadOnlyDictionary<string, double> Regression(IEnumerable<PredictionRecord> records)
    {
        var labelled = records.Where(r => r.Label is not null).ToList();
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (labelled.Count == 0)
        {
            return result;
        }

        double n = labelled.Count, sse = 0, sae = 0, ape = 0, mean = 0;
        foreach (var r in labelled)
        {
            mean += r.Label!.Value;
        }

        mean /= n;
        double sst = 0;
        foreach (var r in labelled)
        {
            double y = r.Label!.Value, e = y - r.Prediction;
            sse += e * e;
            sae += Math.Abs(e);
            ape += Math.Abs(e) / Math.Max(Math.Abs(y), MachineEpsilon);
            sst += (y - mean) * (y - mean);
        }

        result["mse"] = sse / n;
        result["mae"] = sae / n;
        result["rmse"] = Math.Sqrt(sse / n);
        result["r2"] = sst == 0 ? (sse == 0 ? 1.0 : 0.0) : 1 - sse / sst;
        result["mape"] = ape / n;
        return result;
    }

    /// <summary>ROC AUC from ranks (ties averaged); NaN when only one class is present.</summary>
    public static double RocAuc(bool[] positive, double[] score)
    {
        int n = score.Length;
        var idx = Enumerable.Range(0, n).OrderBy(i => score[i]).ToArray();
        double rankSumPos = 0;
        long nPos = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j < n && score[idx[j]] == score[idx[i]])
            {
                j++;
            }

            double midrank = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++)
            {
                if (positive[idx[k]])
                {
                    rankSumPos += midrank;
                    nPos++;
                }
            }

            i = j;
        }

        long nNeg = n - nPos;
        if (nPos == 0 || nNeg == 0)
        {
            return double.NaN;
        }

        return (rankSumPos - nPos * (nPos + 1) / 2.0) / ((double)nPos * nNeg);
    }

    /// <summary>Binary log loss with probabilities clipped to [1e-15, 1 − 1e-15].</summary>
    public static double LogLoss(bool[] positive, double[] probability)
    {
        double s = 0;
        for (int i = 0; i < positive.Length; i++)
        {
            double p = Math.Clamp(probability[i], 1e-15, 1 - 1e-15);
            s -= positive[i] ? Math.Log(p) : Math.Log(1 - p);
        }

        return s / positive.Length;
    }
}
