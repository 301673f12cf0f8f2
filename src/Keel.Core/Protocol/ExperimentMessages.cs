using Keel.Core.Tracking;

namespace Keel.Core.Protocol;

// Request and response bodies of MLflow's REST API 2.0 (mlflow/protos/service.proto), shared by
// the server and Keel.Client. Request fields are nullable because clients may leave them out; the
// server validates them and answers INVALID_PARAMETER_VALUE naming the field.

public sealed record CreateExperimentRequest(string? Name, string? ArtifactLocation = null, IReadOnlyList<ExperimentTag>? Tags = null);

public sealed record CreateExperimentResponse(string ExperimentId);

public sealed record GetExperimentResponse(Experiment Experiment);

public sealed record SearchExperimentsRequest(
    long? MaxResults = null,
    string? PageToken = null,
    string? Filter = null,
    IReadOnlyList<string>? OrderBy = null,
    ViewType? ViewType = null);

public sealed record SearchExperimentsResponse(IReadOnlyList<Experiment>? Experiments, string? NextPageToken);

public sealed record UpdateExperimentRequest(string? ExperimentId, string? NewName);

public sealed record ExperimentIdRequest(string? ExperimentId);

public sealed record SetExperimentTagRequest(string? ExperimentId, string? Key, string? Value);

public sealed record DeleteExperimentTagRequest(string? ExperimentId, string? Key);

/// <summary>MLflow answers most mutations with an empty JSON object.</summary>
public sealed record EmptyResponse
{
    public static EmptyResponse Instance { get; } = new();
}
