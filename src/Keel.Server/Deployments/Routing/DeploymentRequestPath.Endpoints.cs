using System.Diagnostics;
using System.Text.Json;
using Keel.Core.Predictions;
using Keel.Server.Infrastructure;
using Keel.Server.Serving;

namespace Keel.Server.Deployments.Routing;

// The two scoring protocols on a deployment, and its Open Inference metadata and readiness.
internal sealed partial class DeploymentRequestPath
{
    /// <summary>MLflow's <c>/invocations</c> on a deployment: every body <c>/serving/{name}/invocations</c> takes, the same answers.</summary>
    public async Task<IResult> InvokeAsync(string name, HttpRequest request)
    {
        try
        {
            var requestStart = Stopwatch.GetTimestamp();
            var hosted = await RequireAsync(name, request.HttpContext.RequestAborted).ConfigureAwait(false);
            var body = await ServingApi.ReadInvocationAsync(request).ConfigureAwait(false);
            if (body.Unsupported is { } unsupported)
            {
                return unsupported;
            }

            var options = ScoringOptions.For(request.HttpContext);
            var routed = Route(hosted, request, model => ServingApi.ParseInvocation(body, model, options), requestStart);
            using (routed.Lease)
            {
                var log = PredictionLogScope.Start(request.HttpContext);
                var scored = Score(routed, request.HttpContext, log, options.StrictColumns, body.WithProbabilities, requestStart);
                if (routed.Arm == DeploymentArms.Stable && ArmRouter.Mirror(routed.Table.ShadowShare))
                {
                    shadow.TryEnqueue(new ShadowCopy(name, log.RequestId, body, null, options, routed.Rows, routed.Lease.Model, body.WithProbabilities));
                }

                return ScoringResponses.Predictions(scored.Predictions, body.WithProbabilities ? routed.Lease.Model.Scorer.Task.Classes : []);
            }
        }
        catch (Exception) when (KeepArmHeaders(request.HttpContext))
        {
            throw; // Not reached: KeepArmHeaders returns false.
        }
    }

    /// <inheritdoc/>
    public async Task<IResult?> InferAsync(string name, HttpRequest request)
    {
        try
        {
            var requestStart = Stopwatch.GetTimestamp();
            if (await host.FindAsync(name, request.HttpContext.RequestAborted).ConfigureAwait(false) is not { } hosted)
            {
                return null;
            }

            RequestReading.EnsureJsonContentType(request);
            var body = await ServingApi.ReadJsonAsync(request).ConfigureAwait(false);
            var options = ScoringOptions.For(request.HttpContext);
            InferRequest? parsed = null;
            var routed = Route(hosted, request, model => (parsed = OpenInferenceApi.ParseInfer(model, body, options)).Rows, requestStart);
            using (routed.Lease)
            {
                var log = PredictionLogScope.Start(request.HttpContext, parsed!.Id);
                var scored = Score(routed, request.HttpContext, log, options.StrictColumns, parsed.WithProbabilities, requestStart);
                if (routed.Arm == DeploymentArms.Stable && ArmRouter.Mirror(routed.Table.ShadowShare))
                {
                    shadow.TryEnqueue(new ShadowCopy(name, log.RequestId, default, body, options, routed.Rows, routed.Lease.Model, parsed.WithProbabilities));
                }

                return OpenInferenceApi.InferResponse(routed.Lease.Model, parsed.Id, scored.Predictions, parsed.WithProbabilities, name);
            }
        }
        catch (Exception) when (KeepArmHeaders(request.HttpContext))
        {
            throw; // Not reached: KeepArmHeaders returns false.
        }
    }

    /// <inheritdoc/>
    public async Task<IResult?> MetadataAsync(string name, CancellationToken cancellationToken)
    {
        if (await host.FindAsync(name, cancellationToken).ConfigureAwait(false) is not { Table: { } table })
        {
            return null;
        }

        var versions = table.Candidate is { } candidate ? new[] { table.Stable.Version, candidate.Version } : [table.Stable.Version];
        return OpenInferenceApi.Metadata(name, table.Stable, versions);
    }

    /// <inheritdoc/>
    public async Task<IResult?> ReadyAsync(string name, CancellationToken cancellationToken)
    {
        if (await host.FindAsync(name, cancellationToken).ConfigureAwait(false) is not { Table: { } table })
        {
            return null;
        }

        var ready = table.Stable.Ready && (table.Candidate?.Ready ?? true);
        return ScoringResponses.Json(new System.Text.Json.Nodes.JsonObject { ["name"] = name, ["ready"] = ready }, ready ? 200 : 503);
    }
}

/// <summary>
/// A request copied to a shadow candidate: the body as read (an /invocations body, or an infer
/// body), the request's limits, and the rows the stable version scored with the model they were
/// parsed for (reused as they are when the candidate parses requests alike, <see cref="ArmTable.CandidateParsesAsStable"/>).
/// </summary>
/// <param name="Deployment">The deployment.</param>
/// <param name="RequestId">The caller's request id, shared by both answers in the log.</param>
/// <param name="Invocation">The /invocations body; default for an infer request.</param>
/// <param name="Infer">The infer body; null for an /invocations request.</param>
/// <param name="Options">The request's scoring limits.</param>
/// <param name="Rows">The rows parsed for the stable version (read only: scoring never changes them).</param>
/// <param name="ParsedFor">The stable model the rows were parsed for.</param>
/// <param name="WithProbabilities">Whether the request asks for every class's probability.</param>
internal sealed record ShadowCopy(
    string Deployment, string RequestId, InvocationBody Invocation, JsonElement? Infer, ScoringOptions Options,
    IReadOnlyList<IReadOnlyDictionary<string, JsonElement>>? Rows = null, ServedModel? ParsedFor = null, bool WithProbabilities = false);
