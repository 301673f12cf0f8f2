namespace Keel.Monitoring.Deployments;

/// <summary>The bounds of <see cref="DeploymentWindows"/>: how much of each arm's recent traffic is kept in memory.</summary>
public sealed class DeploymentWindowOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Keel:Deployments:Windows";

    /// <summary>Requests (answers and failures) kept per deployment arm.</summary>
    /// <value>8192.</value>
    public int Requests { get; init; } = 8192;

    /// <summary>Predictions (one per scored row) kept per deployment arm.</summary>
    /// <value>16384.</value>
    public int Predictions { get; init; } = 16384;

    /// <summary>Input rows kept per deployment arm, for the input drift gate.</summary>
    /// <value>2048.</value>
    public int InputRows { get; init; } = 2048;

    /// <summary>Rows of one request sampled into the input rows (the first ones); 0 keeps no inputs.</summary>
    /// <value>4.</value>
    public int InputRowsPerRequest { get; init; } = 4;

    /// <summary>Predictions of one request kept (the first ones).</summary>
    /// <value>256.</value>
    public int PredictionsPerRequest { get; init; } = 256;

    /// <summary>Deployment arms tracked at once; observations of further arms are counted as dropped.</summary>
    /// <value>1024.</value>
    public int MaxArms { get; init; } = 1024;

    /// <summary>Checks the bounds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A bound is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Requests, 16, nameof(Requests));
        ArgumentOutOfRangeException.ThrowIfLessThan(Predictions, 16, nameof(Predictions));
        ArgumentOutOfRangeException.ThrowIfLessThan(InputRows, 16, nameof(InputRows));
        ArgumentOutOfRangeException.ThrowIfNegative(InputRowsPerRequest, nameof(InputRowsPerRequest));
        ArgumentOutOfRangeException.ThrowIfLessThan(PredictionsPerRequest, 1, nameof(PredictionsPerRequest));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxArms, 1, nameof(MaxArms));
    }
}
