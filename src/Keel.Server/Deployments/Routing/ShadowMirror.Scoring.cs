using System.Diagnostics;
using System.Text.Json;
using Keel.Core.Predictions;
using Keel.ML.Packaging;
using Keel.Server.Serving;

namespace Keel.Server.Deployments.Routing;

// Scoring copies: the copies of a batch that read alike go to the candidate in one call; every
// answer is then logged, observed and counted on its own, under its own request id.
internal sealed partial class ShadowMirror
{
    /// <summary>
    /// Scores a batch in arrival order: each run of one deployment's copies under one lease on its
    /// current candidate (none any more: the run is skipped), and within a run each group of
    /// copies whose stable rows the candidate reads as they are, with the same scoring switches,
    /// in one scoring call. <paramref name="rows"/> is the scorer's scratch list.
    /// </summary>
    internal void ScoreBatch(IReadOnlyList<ShadowCopy> batch, List<IReadOnlyDictionary<string, JsonElement>> rows)
    {
        var i = 0;
        while (i < batch.Count)
        {
            var deployment = batch[i].Deployment;
            var end = i + 1;
            while (end < batch.Count && string.Equals(batch[end].Deployment, deployment, StringComparison.Ordinal))
            {
                end++;
            }

            ScoreRun(batch, i, end, rows);
            i = end;
        }
    }

    /// <summary>Scores one copy on the deployment's current candidate (none any more: the copy is skipped).</summary>
    internal void Score(ShadowCopy copy) => ScoreBatch([copy], []);

    private void ScoreRun(IReadOnlyList<ShadowCopy> batch, int from, int to, List<IReadOnlyDictionary<string, JsonElement>> rows)
    {
        var table = host.TableOf(batch[from].Deployment);
        if (table is not { Candidate: { } candidate } || ArmTable.TryLease(candidate) is not { } lease)
        {
            return;
        }

        using (lease)
        {
            var i = from;
            while (i < to)
            {
                var copy = batch[i];
                var end = i + 1;
                if (Reusable(copy, table))
                {
                    while (end < to && Reusable(batch[end], table)
                        && batch[end].Options.StrictColumns == copy.Options.StrictColumns && batch[end].WithProbabilities == copy.WithProbabilities)
                    {
                        end++;
                    }
                }

                if (end - i == 1)
                {
                    ScoreOne(table, candidate, copy);
                }
                else
                {
                    ScoreGroup(batch, i, end, candidate, rows);
                }

                i = end;
            }
        }
    }

    /// <summary>Whether the candidate scores the copy's stable rows as they are (it reads requests as the stable version does).</summary>
    private static bool Reusable(ShadowCopy copy, ArmTable table) =>
        copy.Rows is not null && ReferenceEquals(copy.ParsedFor, table.Stable) && table.CandidateParsesAsStable;

    /// <summary>
    /// Scores copies <paramref name="from"/> to <paramref name="to"/> (reusable, same switches) in
    /// one call; each copy's latency is its share of the call. When the call fails, each copy is
    /// scored alone, so a copy the candidate refuses fails alone.
    /// </summary>
    private void ScoreGroup(IReadOnlyList<ShadowCopy> batch, int from, int to, ServedModel candidate, List<IReadOnlyDictionary<string, JsonElement>> rows)
    {
        var first = batch[from];
        for (var i = from; i < to; i++)
        {
            rows.AddRange(batch[i].Rows!);
        }

        var start = Stopwatch.GetTimestamp();
        IReadOnlyList<ModelPrediction> predictions;
        try
        {
            predictions = candidate.Predict(rows, first.Options.StrictColumns, first.WithProbabilities).Predictions;
        }
        catch (Exception)
        {
            rows.Clear();
            for (var i = from; i < to; i++)
            {
                ScoreOne(null, candidate, batch[i]);
            }

            return;
        }

        rows.Clear();
        var share = (Stopwatch.GetTimestamp() - start) / (to - from);
        var all = predictions as ModelPrediction[] ?? [.. predictions];
        var offset = 0;
        for (var i = from; i < to; i++)
        {
            var copy = batch[i];
            var count = copy.Rows!.Count;
            var answered = Stopwatch.GetTimestamp() - share; // as if this copy had been scored alone, just now
            recorder.Answered(_log.Value, answered, copy.Deployment, DeploymentArms.Shadow, candidate, copy.RequestId, copy.Rows, new ArraySegment<ModelPrediction>(all, offset, count), Micros(share));
            metrics.Record(copy.Deployment, DeploymentArms.Shadow, candidate.Version, (double)share / Stopwatch.Frequency);
            offset += count;
        }
    }

    /// <summary>
    /// Scores one copy alone: its stable rows when <paramref name="table"/> says the candidate reads
    /// them as they are (null: it does, the caller checked), otherwise its body parsed again for the candidate.
    /// </summary>
    private void ScoreOne(ArmTable? table, ServedModel candidate, ShadowCopy copy)
    {
        var start = Stopwatch.GetTimestamp();
        IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows = [];
        var withProbabilities = copy.Invocation.WithProbabilities;
        try
        {
            if (copy.Rows is { } parsedForStable && (table is null || Reusable(copy, table)))
            {
                // The candidate reads requests as the stable version does: the caller's rows serve it as they are.
                rows = parsedForStable;
                withProbabilities = copy.WithProbabilities;
            }
            else if (copy.Infer is { } infer)
            {
                var parsed = OpenInferenceApi.ParseInfer(candidate, infer, copy.Options);
                rows = parsed.Rows;
                withProbabilities = parsed.WithProbabilities;
            }
            else
            {
                rows = ServingApi.ParseInvocation(copy.Invocation, candidate, copy.Options);
            }

            var scored = candidate.Predict(rows, copy.Options.StrictColumns, withProbabilities);
            recorder.Answered(_log.Value, start, copy.Deployment, DeploymentArms.Shadow, candidate, copy.RequestId, rows, scored.Predictions, Micros(Stopwatch.GetTimestamp() - start));
            metrics.Record(copy.Deployment, DeploymentArms.Shadow, candidate.Version, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        catch (Exception e)
        {
            // The stable version took this request, so whatever the candidate makes of it is the candidate's failure.
            recorder.Failed(copy.Deployment, DeploymentArms.Shadow, candidate, copy.RequestId, rows, Micros(Stopwatch.GetTimestamp() - start));
            metrics.Record(copy.Deployment, DeploymentArms.Shadow, candidate.Version, Stopwatch.GetElapsedTime(start).TotalSeconds, serverError: true);
            RoutingLog.ShadowFailed(logger, e, copy.Deployment, copy.RequestId, candidate.Version);
        }
    }

    private static long Micros(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;
}
