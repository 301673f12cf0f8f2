using System.Diagnostics;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Predictions;
using Keel.ML.Packaging;
using Keel.Server.Serving;
using Microsoft.Extensions.Primitives;

namespace Keel.Server.Deployments.Routing;

/// <summary>
/// Answers a deployment's requests: finds the deployment (404 when the store has none), picks the
/// arm (<see cref="ArmRouter"/>), leases that arm's model for the request, parses the body with
/// the serving endpoints' own parsers, scores, and records the answer everywhere it goes: the
/// prediction log (deployment, arm, version), the observers, the metrics, the response headers
/// <see cref="VersionHeader"/> and <see cref="ArmHeader"/>. With a shadow rollout a copy is queued
/// for the candidate after the caller's answer is computed.
/// </summary>
internal sealed partial class DeploymentRequestPath(
    DeploymentArmHost host, DeploymentAnswerRecorder recorder, DeploymentMetrics metrics, ShadowMirror shadow) : IOpenInferenceFallback
{
    /// <summary>The response header naming the model version that answered.</summary>
    public const string VersionHeader = "X-Keel-Model-Version";

    /// <summary>The response header naming the arm that answered (<c>stable</c> or <c>candidate</c>).</summary>
    public const string ArmHeader = "X-Keel-Deployment-Arm";

    /// <summary>The deployment, or RESOURCE_DOES_NOT_EXIST.</summary>
    private async ValueTask<HostedDeployment> RequireAsync(string name, CancellationToken cancellationToken) =>
        await host.FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw KeelException.NotFound($"No deployment named '{name}'.");

    /// <summary>
    /// Routes one request: the arm, a lease on its model and the rows parsed for it. With a
    /// routing key in an input column the body is parsed for the stable version first to read the
    /// key (and again for the candidate when it wins). The caller disposes the lease.
    /// </summary>
    private Routed Route(HostedDeployment hosted, HttpRequest request, Func<ServedModel, List<IReadOnlyDictionary<string, JsonElement>>> parse, long requestStart)
    {
        while (true)
        {
            var table = hosted.Table ?? throw new KeelException(ErrorCode.TemporarilyUnavailable, $"Deployment '{hosted.Name}' is not loaded.");
            string? key = null;
            List<IReadOnlyDictionary<string, JsonElement>>? stableRows = null;
            if (ArmRouter.NeedsKey(table))
            {
                var routing = table.Key!;
                if (routing.Header is not null)
                {
                    key = ArmRouter.HeaderKey(routing, request);
                }
                else
                {
                    stableRows = parse(table.Stable);
                    key = ArmRouter.ColumnKey(routing, stableRows);
                }
            }

            var arm = ArmRouter.Pick(table, key);
            var model = table.ModelOf(arm)!;
            if (ArmTable.TryLease(model) is not { } lease)
            {
                continue; // Released by a newer table meanwhile: route on that one.
            }

            request.HttpContext.Response.Headers[VersionHeader] = model.Version;
            request.HttpContext.Response.Headers[ArmHeader] = arm;
            try
            {
                var rows = arm == DeploymentArms.Stable && stableRows is not null ? stableRows : parse(model);
                return new Routed(table, arm, lease, rows);
            }
            catch (Exception e)
            {
                if (e is KeelException)
                {
                    if (arm != DeploymentArms.Stable && StableAccepts(table, parse) is { } accepted)
                    {
                        CandidateRefused(table.Name, arm, model, request.HttpContext.TraceIdentifier, accepted, requestStart);
                    }
                    else
                    {
                        Refused(table.Name, arm, model.Version, requestStart);
                    }
                }

                lease.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Scores the routed rows and records the answer (log, observers, metrics); a scoring error is
    /// observed as a failure and passes on.
    /// </summary>
    private ScoredRows Score(Routed routed, HttpContext context, PredictionLogScope log, bool strictColumns, bool withProbabilities, long requestStart)
    {
        var model = routed.Lease.Model;
        var start = Stopwatch.GetTimestamp();
        ScoredRows scored;
        try
        {
            scored = model.Predict(routed.Rows, strictColumns, withProbabilities);
        }
        catch (KeelException e) when (e.Code.ToHttpStatus() < 500 && !log.Failed(model, routed.Rows, e, routed.Table.Name, routed.Arm))
        {
            if (routed.Arm != DeploymentArms.Stable && StableAccepts(routed.Table, _ => routed.Rows, strictColumns) is not null)
            {
                CandidateRefused(routed.Table.Name, routed.Arm, model, log.RequestId, routed.Rows, requestStart, start);
            }
            else
            {
                metrics.Record(routed.Table.Name, routed.Arm, model.Version, Stopwatch.GetElapsedTime(requestStart).TotalSeconds, clientError: true);
            }

            throw;
        }
        catch (Exception e) when (log.Failed(model, routed.Rows, e, routed.Table.Name, routed.Arm) || Failed(routed, log.RequestId, start, requestStart))
        {
            throw; // Not reached: Failed records the failure and returns false.
        }

        ScoringOptions.ReportIgnored(context, scored.IgnoredColumns);
        recorder.Answered(log.Logger, log.Started, routed.Table.Name, routed.Arm, model, log.RequestId, routed.Rows, scored.Predictions, Micros(start));
        metrics.Record(routed.Table.Name, routed.Arm, model.Version, Stopwatch.GetElapsedTime(requestStart).TotalSeconds);
        return scored;
    }

    /// <summary>Observes and counts a scoring failure; returns false, so it fits an exception filter that lets the exception pass untouched.</summary>
    private bool Failed(Routed routed, string requestId, long start, long requestStart)
    {
        recorder.Failed(routed.Table.Name, routed.Arm, routed.Lease.Model, requestId, routed.Rows, Micros(start));
        metrics.Record(routed.Table.Name, routed.Arm, routed.Lease.Model.Version, Stopwatch.GetElapsedTime(requestStart).TotalSeconds, serverError: true);
        return false;
    }

    /// <summary>
    /// The rows of a request the candidate refused, parsed and checked for the stable version (a
    /// dry run on its model, only on this failure path); null when the stable version refuses it
    /// too (the caller's fault) or is gone.
    /// </summary>
    private static List<IReadOnlyDictionary<string, JsonElement>>? StableAccepts(
        ArmTable table, Func<ServedModel, List<IReadOnlyDictionary<string, JsonElement>>> parse, bool strictColumns = false)
    {
        if (ArmTable.TryLease(table.Stable) is not { } lease)
        {
            return null;
        }

        using (lease)
        {
            try
            {
                var rows = parse(table.Stable);
                table.Stable.Predict(rows, strictColumns);
                return rows;
            }
            catch (KeelException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// A request the candidate refused but the stable version accepts: the candidate's failure from
    /// the caller's point of view (a schema it changed), so it is observed as failed (the error_rate
    /// gate counts it) and counted as <c>kind="candidate_refused"</c>.
    /// </summary>
    private void CandidateRefused(
        string deployment, string arm, ServedModel model, string requestId, List<IReadOnlyDictionary<string, JsonElement>> rows, long requestStart, long? scoreStart = null)
    {
        recorder.Failed(deployment, arm, model, requestId, rows, scoreStart is { } s ? Micros(s) : 0);
        metrics.Record(deployment, arm, model.Version, Stopwatch.GetElapsedTime(requestStart).TotalSeconds, candidateRefused: true);
    }

    /// <summary>Counts a request refused after its arm was picked (a bad body) against that arm.</summary>
    private void Refused(string deployment, string arm, string version, long requestStart) =>
        metrics.Record(deployment, arm, version, Stopwatch.GetElapsedTime(requestStart).TotalSeconds, clientError: true);

    /// <summary>
    /// Keeps the headers that name the arm on an error answer. The error handler writes a fresh
    /// response (its headers cleared), so when an arm was picked before the request failed, its
    /// <see cref="VersionHeader"/>, <see cref="ArmHeader"/> (and the request id, once given) are set
    /// again as the response starts: callers and balancers see which version refused them. Runs
    /// as an exception filter on the failure path only, and returns false so the exception passes on.
    /// </summary>
    private static bool KeepArmHeaders(HttpContext context)
    {
        var response = context.Response;
        if (response.HasStarted || !response.Headers.TryGetValue(VersionHeader, out var version) || !response.Headers.TryGetValue(ArmHeader, out var arm))
        {
            return false;
        }

        var requestId = response.Headers[PredictionLogScope.RequestIdHeader];
        response.OnStarting(
            static state =>
            {
                var (response, version, arm, requestId) = ((HttpResponse, StringValues, StringValues, StringValues))state;
                response.Headers[VersionHeader] = version;
                response.Headers[ArmHeader] = arm;
                if (!StringValues.IsNullOrEmpty(requestId))
                {
                    response.Headers[PredictionLogScope.RequestIdHeader] = requestId;
                }

                return Task.CompletedTask;
            },
            (response, version, arm, requestId));
        return false;
    }

    private static long Micros(long start) => (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;

    /// <summary>A routed request: the table it was routed on, the arm, the lease on the arm's model and the rows.</summary>
    private sealed record Routed(ArmTable Table, string Arm, ModelLease Lease, List<IReadOnlyDictionary<string, JsonElement>> Rows);
}
