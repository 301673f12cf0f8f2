using System.Text.Json;
using Keel.Core.Json;
using Keel.Monitoring.Drift;

namespace Keel.Monitoring.Reports;

/// <summary>Writes a <see cref="DriftReport"/> as JSON in Keel's conventions (snake_case, NaN as strings).</summary>
public static class DriftJsonReport
{
    /// <summary>Serialises the report.</summary>
    public static string ToJson(DriftReport report) => JsonSerializer.Serialize(report, KeelJson.Options);

    /// <summary>Writes the report to a stream.</summary>
    public static Task WriteAsync(DriftReport report, Stream stream, CancellationToken cancellationToken = default) =>
        JsonSerializer.SerializeAsync(stream, report, KeelJson.Options, cancellationToken);
}
