namespace Keel.Core.Predictions;

/// <summary>
/// What logged a record with a given request id: the served model it was sent to, and the
/// deployment when it went through one (<see cref="IPredictionStore.FindRequestSourcesAsync"/>).
/// </summary>
/// <param name="ModelName">The name the model is served under (<see cref="PredictionLogRecord.ModelName"/>).</param>
/// <param name="Deployment">The deployment the request was sent to; null for a request to a served model outside any deployment.</param>
public sealed record PredictionRequestSource(string ModelName, string? Deployment);
