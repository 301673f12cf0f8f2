using Keel.Core.Monitoring;
using Keel.Core.Predictions;
using Keel.Monitoring.Monitors;

namespace Keel.Server.Monitoring;

// Failed requests of the window, counted from the prediction log's error rows (one small query over
// the failed rows only; the window builders read answered rows and never see them). A series gets
// Errors = its failures and Requests = answered + failed, so the error rate is failed / all; a
// series that only failed in the window gets a window of its own (traffic and errors, nothing else).
public sealed partial class MonitorRunner
{
    private async Task<IReadOnlyList<MonitorWindow>> WithErrorsAsync(MonitorWindowRequest request, IReadOnlyList<MonitorWindow> windows, CancellationToken cancellationToken)
    {
        var counts = await _predictions.CountErrorsAsync(new PredictionQuery(request.Model, request.StartMs, request.EndMs), cancellationToken).ConfigureAwait(false);
        if (counts.Count == 0)
        {
            return windows;
        }

        var errors = new Dictionary<(string Version, string? Deployment, string? Arm), long>();
        foreach (var count in counts)
        {
            errors[(count.ModelVersion, count.Deployment, count.Arm)] = count.Errors;
        }

        var result = new List<MonitorWindow>(windows.Count + errors.Count);
        foreach (var window in windows)
        {
            if (errors.Remove((window.Version, window.Deployment, window.Arm), out var failed))
            {
                result.Add(window with { Requests = window.Requests + failed, Errors = failed });
            }
            else
            {
                result.Add(window);
            }
        }

        foreach (var ((version, deployment, arm), failed) in errors)
        {
            result.Add(new MonitorWindow
            {
                Model = request.Model,
                Version = version,
                Deployment = deployment,
                Arm = arm,
                StartMs = request.StartMs,
                EndMs = request.EndMs,
                ComputedAtMs = request.ComputedAtMs,
                Requests = failed,
                Errors = failed,
            });
        }

        return result;
    }
}
