using System.Text.Json;
using Keel.Core.Deployments;

namespace Keel.Server.Deployments;

/// <summary>POST create and apply: the spec, and why (with force to pass a failed validation when production moves).</summary>
internal sealed record DeploymentSpecRequest(DeploymentSpec? Spec, string? Comment, bool? Force);

/// <summary>POST promote, pause, resume, rollback: the deployment, why, and for rollback the evidence.</summary>
internal sealed record DeploymentActionRequest(string? Name, string? Comment, bool? Force, JsonElement? Evidence);

internal sealed record DeploymentResponse(Deployment Deployment);

internal sealed record DeploymentApplyResponse(Deployment Deployment, string? Change);

internal sealed record DeploymentsResponse(IReadOnlyList<Deployment> Deployments, string? NextPageToken);

internal sealed record DeploymentEventsResponse(IReadOnlyList<DeploymentEvent> Events, string? NextPageToken);
