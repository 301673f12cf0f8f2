using System.Text;
using Keel.Client.Http;
using Keel.Core.Paging;
using Keel.Core.Predictions;

namespace Keel.Client;

// The prediction log under /api/2.0/keel/serving: reading a model's log and sending ground truth.
public sealed partial class KeelClient
{
    private const string KeelServingApi = "api/2.0/keel/serving/";

    /// <summary>One page of a model's prediction log in [from, to), oldest first, with feedback joined.</summary>
    /// <exception cref="Core.Errors.KeelException">RESOURCE_DOES_NOT_EXIST when nothing was logged for the model; INVALID_PARAMETER_VALUE for a bad query.</exception>
    public async Task<PagedResult<LoggedPrediction>> SearchPredictionsAsync(PredictionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var qs = QueryString.Of("model", query.ModelName)
            .Add("from", query.FromMs)
            .Add("to", query.ToMs)
            .Add("max_results", query.MaxResults)
            .Add("page_token", query.PageToken)
            .Add("errors", query.Errors.Name()); // always sent: the client reads as the store does (answered only by default)
        var uri = new Uri(BaseAddress, KeelServingApi + "predictions" + qs);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), replayable: true, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return PredictionLogJson.ReadPage(bytes);
    }

    /// <summary>Every logged prediction matching the query, oldest first, fetching page after page as it is enumerated.</summary>
    public IAsyncEnumerable<LoggedPrediction> SearchAllPredictionsAsync(PredictionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return AllPagesAsync((token, ct) => SearchPredictionsAsync(query with { PageToken = token ?? query.PageToken }, ct), cancellationToken);
    }

    /// <summary>Sends ground truth for a logged request; returns how many logged records it joined.</summary>
    /// <exception cref="Core.Errors.KeelException">RESOURCE_DOES_NOT_EXIST for an unknown request id; INVALID_PARAMETER_VALUE when the labels do not fit its rows.</exception>
    public async Task<int> SendFeedbackAsync(PredictionFeedback feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        var id = System.Text.Json.JsonSerializer.Serialize(feedback.RequestId);
        var body = feedback.RowIndex is { } row
            ? $$"""{"request_id":{{id}},"label":{{feedback.LabelsJson[1..^1]}},"row_index":{{row}}}"""
            : $$"""{"request_id":{{id}},"labels":{{feedback.LabelsJson}}}""";
        var uri = new Uri(BaseAddress, KeelServingApi + "feedback");
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") },
            replayable: true,
            cancellationToken).ConfigureAwait(false);
        using var document = await System.Text.Json.JsonDocument.ParseAsync(
            await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
        return document.RootElement.TryGetProperty("records", out var records) ? records.GetInt32() : 0;
    }
}
