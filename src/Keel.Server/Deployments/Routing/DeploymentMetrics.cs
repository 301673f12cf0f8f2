using System.Collections.Concurrent;
using Keel.Server.Serving;
using Prometheus;

namespace Keel.Server.Deployments.Routing;

/// <summary>
/// The Prometheus series of the deployments' request path, in the app's <c>/metrics</c>
/// (<see cref="ServingMetrics.Registry"/>): requests, errors and latency per deployment, arm and
/// version, and shadow copies dropped per deployment. docs/deployments.md lists them.
/// </summary>
internal sealed class DeploymentMetrics
{
    private readonly Counter _requests;
    private readonly Counter _errors;
    private readonly Histogram _latency;
    private readonly Counter _shadowDropped;
    private readonly ConcurrentDictionary<(string Deployment, string Arm, string Version), ArmSeries> _series = new();

    public DeploymentMetrics(ServingMetrics serving)
    {
        var labels = new[] { "deployment", "arm", "version" };
        _requests = serving.Factory.CreateCounter("keel_deployment_requests_total", "Requests a deployment arm answered or failed (shadow copies under arm=\"shadow\").", labels);
        _errors = serving.Factory.CreateCounter("keel_deployment_request_errors_total", "Requests a deployment arm answered with an error, by kind (client_error: the request was refused; server_error: the arm failed; candidate_refused: the candidate refused a request the stable version accepts).", ["deployment", "arm", "version", "kind"]);
        _latency = serving.Factory.CreateHistogram(
            "keel_deployment_request_duration_seconds",
            "Time a deployment arm took for a request (parse and score; for a shadow copy, its background scoring).",
            labels,
            new HistogramConfiguration { Buckets = [.. ServingMetrics.LatencyBuckets] });
        _shadowDropped = serving.Factory.CreateCounter("keel_deployment_shadow_dropped_total", "Shadow copies dropped: the shadow queue was full (Keel:Deployments:Routing:ShadowQueueCapacity, ShadowBusyShare) or the server stopped before they were scored.", ["deployment"]);
    }

    /// <summary>Records one request of an arm: its time and, for an error, whether the client or the arm was at fault.</summary>
    public void Record(string deployment, string arm, string version, double seconds, bool clientError = false, bool serverError = false, bool candidateRefused = false)
    {
        var key = (deployment, arm, version);
        if (!_series.TryGetValue(key, out var series))
        {
            series = _series.GetOrAdd(key, k => new ArmSeries(
                _requests.WithLabels(k.Deployment, k.Arm, k.Version),
                _latency.WithLabels(k.Deployment, k.Arm, k.Version),
                _errors.WithLabels(k.Deployment, k.Arm, k.Version, "client_error"),
                _errors.WithLabels(k.Deployment, k.Arm, k.Version, "server_error"),
                _errors.WithLabels(k.Deployment, k.Arm, k.Version, "candidate_refused")));
        }

        series.Requests.Inc();
        series.Latency.Observe(seconds);
        if (clientError)
        {
            series.ClientErrors.Inc();
        }
        else if (serverError)
        {
            series.ServerErrors.Inc();
        }
        else if (candidateRefused)
        {
            series.CandidateRefused.Inc();
        }
    }

    /// <summary>Counts a shadow copy dropped for <paramref name="deployment"/>.</summary>
    public void ShadowDropped(string deployment) => _shadowDropped.WithLabels(deployment).Inc();

    private sealed record ArmSeries(Counter.Child Requests, Histogram.Child Latency, Counter.Child ClientErrors, Counter.Child ServerErrors, Counter.Child CandidateRefused);
}
