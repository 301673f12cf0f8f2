using System.Net;
using System.Text.Json;

namespace Keel.Tracking.Bench;

/// <summary>One keep-alive HTTP client and MLflow's JSON conventions.</summary>
internal static class Http
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString
            | System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static HttpClient Create(string baseUrl) => new(new SocketsHttpHandler
    {
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = 4,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"),
        Timeout = TimeSpan.FromMinutes(5),
        DefaultRequestVersion = HttpVersion.Version11,
    };

    public static async Task EnsureOkAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {body}");
        }
    }
}

internal sealed record MetricDto(string Key, double Value, long Timestamp, long Step);

internal sealed record HistoryPage(List<MetricDto>? Metrics, string? NextPageToken);

internal sealed record RunInfoDto(string RunId);

internal sealed record RunDataDto(List<MetricDto>? Metrics);

internal sealed record RunDto(RunInfoDto Info, RunDataDto Data);

internal sealed record SearchPage(List<RunDto>? Runs, string? NextPageToken);
