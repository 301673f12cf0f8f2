using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core.Data;
using Keel.Core.Deployments;
using Keel.Monitoring.Drift;

namespace Keel.Monitoring.Deployments;

// input_drift: the candidate's sampled input rows against the version's reference sample, column
// by column (PSI, or KS on numbers and chi-square on categories with a Bonferroni correction);
// the gate fails when any column drifts.
public sealed partial class DeploymentAnalysis
{
    private async Task<(GateResult, JsonObject)> InputDriftAsync(DistributionGate gate, Window w, CancellationToken cancellationToken)
    {
        const string name = "input_drift";
        var reference = _references is null
            ? null
            : await _references.GetAsync(w.Deployment.Model, w.Deployment.CandidateVersion!, cancellationToken).ConfigureAwait(false);
        if (reference is null)
        {
            return Inconclusive(name, $"input_drift: no reference: version {w.Deployment.CandidateVersion} of '{w.Deployment.Model}' has no reference sample to compare its inputs with.",
                new JsonObject { ["reason"] = "no reference" });
        }

        if (w.Candidate.Inputs.Count == 0)
        {
            return Inconclusive(name, "input_drift: no input row of the candidate was sampled in the window.");
        }

        var compared = reference.Inputs.Columns.Where(DriftAnalyzer.Compares).ToList();
        var current = CurrentColumns(compared, w.Candidate.Inputs);
        string method = gate.Method ?? "psi";
        double threshold = Threshold(gate);
        var options = new DriftOptions
        {
            Columns = compared.Select(c => c.Name).ToList(),
            Correction = method == "psi" ? MultipleTestingCorrection.None : MultipleTestingCorrection.Bonferroni,
        };
        foreach (var column in compared)
        {
            string test = method == "psi" ? "psi" : column.Kind == ColumnKind.Numeric ? "ks" : "chisquare";
            options.Overrides[column.Name] = new ColumnTestOverride(test, threshold);
        }

        var report = DriftAnalyzer.Compare(compared, current, options);
        var columns = new JsonObject();
        foreach (var c in report.Columns)
        {
            columns[c.Column] = new JsonObject
            {
                ["test"] = c.Test,
                ["status"] = c.Status.ToString(),
                ["statistic"] = c.Statistic is { } s ? Num(s) : null,
                ["p_value"] = c.PValue is { } p ? Num(p) : null,
                ["adjusted_p_value"] = c.AdjustedPValue is { } a ? Num(a) : null,
                ["drifted"] = Fails(c),
            };
            if (c.MethodKind == DriftMethodKind.PValue && c.Status == ColumnStatus.Tested)
            {
                ((JsonObject)columns[c.Column]!)["effect"] = Num(EffectSize(c));
            }
        }

        // A p-value test fails a column only when the difference is also large enough to matter.
        bool Fails(ColumnDriftResult c) => c.Drifted && (c.MethodKind != DriftMethodKind.PValue || EffectSize(c) >= MinEffect(gate));
        var drifted = report.Columns.Where(Fails).ToList();
        bool failed = drifted.Count > 0;
        string worst = failed
            ? string.Join(", ", drifted.Take(3).Select(c => c.MethodKind == DriftMethodKind.PValue
                ? $"{c.Column} ({c.Test} p = {S(c.AdjustedPValue ?? double.NaN)})"
                : $"{c.Column} (PSI {S(c.Statistic ?? double.NaN)})"))
            : "none";
        string rule = method == "psi" ? $"PSI > {S(threshold)}" : $"Bonferroni-adjusted p < {S(threshold)} and an effect (KS D or Cramér's V) of at least {S(MinEffect(gate))}";
        string summary = $"input_drift {(failed ? "failed" : "passed")}: {drifted.Count} of {report.ComparedColumns} input columns of the candidate's {w.Candidate.Inputs.Count} sampled rows drifted from the reference ({reference.Source}, {report.ReferenceRows} rows) by {rule}: {worst}.";
        return Judged(name, failed, summary, new JsonObject
        {
            ["method"] = method,
            ["threshold"] = Num(threshold),
            ["min_effect"] = method == "psi" ? null : Num(MinEffect(gate)),
            ["reference_source"] = reference.Source,
            ["reference_rows"] = report.ReferenceRows,
            ["candidate_rows"] = w.Candidate.Inputs.Count,
            ["compared_columns"] = report.ComparedColumns,
            ["drifted_columns"] = drifted.Count,
            ["columns"] = columns,
        });
    }

    /// <summary>The sampled rows as columns of the reference's kinds, matched by name (absent values are missing).</summary>
    internal static List<DataColumn> CurrentColumns(IReadOnlyList<DataColumn> reference, IReadOnlyList<WindowInputRow> rows)
    {
        var numbers = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var texts = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        foreach (var c in reference)
        {
            if (c.Kind == ColumnKind.Numeric)
            {
                numbers[c.Name] = Enumerable.Repeat(double.NaN, rows.Count).ToArray();
            }
            else
            {
                texts[c.Name] = new string?[rows.Count];
            }
        }

        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var reader = new Utf8JsonReader(row.RowUtf8.Span);
            reader.Read();
            int i = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                string? column = i < row.Columns.Count ? row.Columns[i] : null;
                i++;
                if (column is not null && numbers.TryGetValue(column, out var n))
                {
                    n[r] = reader.TokenType switch
                    {
                        JsonTokenType.Number => reader.GetDouble(),
                        JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
                        JsonTokenType.True => 1,
                        JsonTokenType.False => 0,
                        _ => double.NaN,
                    };
                }
                else if (column is not null && texts.TryGetValue(column, out var t))
                {
                    t[r] = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString(),
                        JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
                        _ => null,
                    };
                }

                if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                {
                    reader.Skip();
                }
            }
        }

        return reference.Select(c => c.Kind == ColumnKind.Numeric
            ? DataColumn.Numeric(c.Name, numbers[c.Name])
            : DataColumn.Labels(c.Name, texts[c.Name], c.Kind)).ToList();
    }
}
