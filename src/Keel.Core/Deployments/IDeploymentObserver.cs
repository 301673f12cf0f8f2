namespace Keel.Core.Deployments;

/// <summary>
/// Watches the answers of deployment arms as routing serves them: what the controller's analysis
/// windows are built from. Called on the request path, so an observer copies what it keeps and
/// returns at once; it never blocks or throws.
/// </summary>
public interface IDeploymentObserver
{
    /// <summary>One arm answered a request, or failed to.</summary>
    void Observe(in DeploymentObservation observation);
}

/// <summary>One answer (or failure) of a deployment arm.</summary>
/// <param name="Deployment">The deployment's name.</param>
/// <param name="Arm">The arm (<see cref="Predictions.DeploymentArms"/>).</param>
/// <param name="Version">The model version the arm serves.</param>
/// <param name="RequestId">The request id (shared by a request and its shadow copy).</param>
/// <param name="TimestampMs">When the arm answered, Unix milliseconds.</param>
/// <param name="LatencyMicroseconds">Time the arm spent scoring.</param>
/// <param name="Failed">Whether the arm failed to answer (a scoring error, not a bad request).</param>
/// <param name="RowCount">Rows in the request.</param>
/// <param name="InputColumns">The input column names, one list shared by every observation of a model version.</param>
/// <param name="InputsUtf8">The rows as UTF-8 JSON, as the prediction log keeps them; only valid during the call.</param>
/// <param name="OutputsUtf8">The predictions as UTF-8 JSON, as the prediction log keeps them; empty when failed; only valid during the call.</param>
public readonly record struct DeploymentObservation(
    string Deployment,
    string Arm,
    string Version,
    string RequestId,
    long TimestampMs,
    long LatencyMicroseconds,
    bool Failed,
    int RowCount,
    IReadOnlyList<string> InputColumns,
    ReadOnlyMemory<byte> InputsUtf8,
    ReadOnlyMemory<byte> OutputsUtf8);
