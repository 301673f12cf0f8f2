using System.Text;
using System.Text.Json;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Serving;

/// <summary>Request ids on the scoring endpoints, the feedback endpoint and reading the log over HTTP.</summary>
[Collection(ServingCollection.Name)]
public sealed class PredictionLogApiTests(ServingFixture fixture)
{
    private const string Feedback = "/api/2.0/keel/serving/feedback";
    private const string Predictions = "/api/2.0/keel/serving/predictions";

    private async Task<(int Status, string? RequestId, JsonElement Json)> ScoreAsync(string? requestId, object body, string path = "/serving/bc/invocations")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        if (requestId is not null)
        {
            request.Headers.Add(PredictionLogScope.RequestIdHeader, requestId);
        }

        using var response = await fixture.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var id = response.Headers.TryGetValues(PredictionLogScope.RequestIdHeader, out var values) ? values.Single() : null;
        return ((int)response.StatusCode, id, JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<List<JsonElement>> LoggedAsync(string requestId)
    {
        var answer = await fixture.Client.ApiGetAsync($"{Predictions}?model=bc&max_results=10000");
        Assert.Equal(200, answer.Status);
        return answer["predictions"].EnumerateArray().Where(p => p.GetProperty("request_id").GetString() == requestId).ToList();
    }

    private static string Id() => "test-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Invocations_EchoTheClientRequestId_AndFeedbackJoinsOnRead()
    {
        var id = Id();
        var (status, echoed, _) = await ScoreAsync(id, new { dataframe_records = fixture.Records() });
        Assert.Equal(200, status);
        Assert.Equal(id, echoed);

        // Sent at once: the record may still be buffered, the endpoint flushes before deciding.
        var labels = fixture.Expected.Select(p => p.Label).ToArray();
        var feedback = await fixture.Client.ApiPostAsync(Feedback, new { request_id = id, labels });
        Assert.Equal(200, feedback.Status);
        Assert.Equal(1, feedback["records"].GetInt32());

        var logged = Assert.Single(await LoggedAsync(id));
        Assert.Equal(fixture.Rows.Length, logged.GetProperty("row_count").GetInt32());
        Assert.Equal(labels, logged.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(fixture.Expected[0].Label, logged.GetProperty("outputs")[0].GetProperty("predicted_label").GetString());
        Assert.Equal(fixture.Columns, logged.GetProperty("input_columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(fixture.Rows[0][0].GetDouble(), logged.GetProperty("inputs")[0][0].GetDouble());
        Assert.True(logged.GetProperty("labelled_at").GetInt64() >= logged.GetProperty("timestamp").GetInt64());
    }

    [Fact]
    public async Task Invocations_WithoutRequestId_GetANewOne()
    {
        var (status, first, _) = await ScoreAsync(null, new { instances = fixture.Rows });
        var (_, second, _) = await ScoreAsync(null, new { instances = fixture.Rows });

        Assert.Equal(200, status);
        Assert.Matches("^[0-9a-f]{32}$", first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task OpenInference_LogsUnderTheBodyId_AndOneRowFeedback()
    {
        var id = Id();
        var inputs = fixture.Columns.Select((c, i) => new { name = c, shape = new[] { 1 }, datatype = "FP64", data = new[] { fixture.Rows[0][i].GetDouble() } }).ToArray();
        var (status, echoed, json) = await ScoreAsync("ignored-header", new { id, inputs }, "/v2/models/bc/infer");
        Assert.Equal(200, status);
        Assert.Equal(id, echoed);
        Assert.Equal(id, json.GetProperty("id").GetString());

        var feedback = await fixture.Client.ApiPostAsync(Feedback, new { request_id = id, label = "1" });
        Assert.Equal(200, feedback.Status);

        var logged = Assert.Single(await LoggedAsync(id));
        Assert.Equal(1, logged.GetProperty("row_count").GetInt32());
        Assert.Equal("1", logged.GetProperty("labels")[0].GetString());
    }

    [Fact]
    public async Task Feedback_UnknownRequestId_IsNotFound()
    {
        var answer = await fixture.Client.ApiPostAsync(Feedback, new { request_id = Id(), labels = new[] { "1" } });

        Assert.Equal(404, answer.Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", answer.ErrorCode);
    }

    [Theory]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("""{"labels": [1]}""", "request_id")]
    [InlineData("""{"request_id": "x"}""", "exactly one of")]
    [InlineData("""{"request_id": "x", "labels": [1], "label": 1}""", "exactly one of")]
    [InlineData("""{"request_id": "x", "labels": []}""", "non-empty JSON array")]
    [InlineData("""{"request_id": "x", "label": 1, "row_index": -1}""", "row_index")]
    [InlineData("""{"request_id": "x", "labels": [1], "row_index": 0}""", "row_index")]
    [InlineData("""{"request_id": "", "label": 1}""", "request_id")]
    [InlineData("""{"request_id": "x", "label": null}""", "label:")]
    [InlineData("{not json", "Malformed JSON")]
    public async Task Feedback_BadBody_IsBadRequest(string body, string message)
    {
        var answer = await fixture.Client.ApiPostAsync(Feedback, body);

        Assert.Equal(400, answer.Status);
        Assert.Contains(answer.ErrorCode, new[] { "INVALID_PARAMETER_VALUE", "BAD_REQUEST" });
        Assert.Contains(message, answer["message"].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_WrongLabelCount_IsBadRequest()
    {
        var id = Id();
        await ScoreAsync(id, new { instances = fixture.Rows });

        var answer = await fixture.Client.ApiPostAsync(Feedback, new { request_id = id, labels = new[] { "1" } });

        Assert.Equal(400, answer.Status);
        Assert.Contains($"has {fixture.Rows.Length} rows, got 1 label", answer["message"].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predictions_PagesInTimeOrder_WithinTheRange()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(Id());
            await ScoreAsync(ids[^1], new { instances = fixture.Rows });
        }

        await fixture.Factory.Services.GetRequiredService<PredictionLogger>().FlushAsync(TestContext.Current.CancellationToken);
        var seen = new List<string>();
        string? token = null;
        do
        {
            var url = $"{Predictions}?model=bc&from=2000-01-01T00:00:00Z&to={DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds()}&max_results=2" + (token is null ? string.Empty : "&page_token=" + Uri.EscapeDataString(token));
            var page = await fixture.Client.ApiGetAsync(url);
            Assert.Equal(200, page.Status);
            Assert.InRange(page["predictions"].GetArrayLength(), 0, 2);
            seen.AddRange(page["predictions"].EnumerateArray().Select(p => p.GetProperty("request_id").GetString()!));
            token = page.Json.TryGetProperty("next_page_token", out var t) ? t.GetString() : null;
        }
        while (token is not null);

        Assert.Equal(ids, seen.Where(ids.Contains));
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("?from=0", 400, "INVALID_PARAMETER_VALUE")]
    [InlineData("?model=bc&from=yesterday", 400, "INVALID_PARAMETER_VALUE")]
    [InlineData("?model=bc&max_results=0", 400, "INVALID_PARAMETER_VALUE")]
    [InlineData("?model=bc&page_token=nonsense", 400, "INVALID_PARAMETER_VALUE")]
    [InlineData("?model=no-such-model", 404, "RESOURCE_DOES_NOT_EXIST")]
    public async Task Predictions_BadQuery_IsAnMlflowStyleError(string query, int status, string code)
    {
        var answer = await fixture.Client.ApiGetAsync(Predictions + query);

        Assert.Equal(status, answer.Status);
        Assert.Equal(code, answer.ErrorCode);
    }
}
