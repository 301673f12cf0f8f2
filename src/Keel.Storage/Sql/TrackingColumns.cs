using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Storage.Sql;

/// <summary>How tracking values are written to and read from SQL columns, the same on every backend.</summary>
internal static class TrackingColumns
{
    /// <summary>MLflow's storage of non-finite values: NaN as a flag, infinities clamped to ±double.MaxValue.</summary>
    public static (double Value, short IsNan) StoredValue(double value) =>
        double.IsNaN(value) ? (0, (short)1)
        : double.IsPositiveInfinity(value) ? (double.MaxValue, (short)0)
        : double.IsNegativeInfinity(value) ? (double.MinValue, (short)0)
        : (value, (short)0);

    /// <summary>The <c>status</c> column's text for a run status.</summary>
    public static string StatusName(RunStatus status) => status switch
    {
        RunStatus.Running => "RUNNING",
        RunStatus.Scheduled => "SCHEDULED",
        RunStatus.Finished => "FINISHED",
        RunStatus.Failed => "FAILED",
        RunStatus.Killed => "KILLED",
        _ => throw KeelException.InvalidParameter($"Invalid run status {(int)status}."),
    };

    /// <summary>A run status from the <c>status</c> column.</summary>
    public static RunStatus ParseStatus(string status) => status switch
    {
        "RUNNING" => RunStatus.Running,
        "SCHEDULED" => RunStatus.Scheduled,
        "FINISHED" => RunStatus.Finished,
        "FAILED" => RunStatus.Failed,
        "KILLED" => RunStatus.Killed,
        _ => RunStatus.Running,
    };
}
