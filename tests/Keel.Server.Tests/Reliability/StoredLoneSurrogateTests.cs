using Keel.Core.Predictions;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Keel.Server.Tests.Reliability;

/// <summary>
/// A database written by an older version can hold lone surrogate escapes (feedback labels were kept
/// as the client sent them). Reads must still answer 200, with U+FFFD in their place.
/// </summary>
public sealed class StoredLoneSurrogateTests : IAsyncLifetime
{
    private readonly KeelApiFactory _factory = new();
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient(); // Creates and migrates the database.
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task PredictionsPage_WithLoneSurrogatesStoredByAnOlderVersion_Answers200WithReplacementCharacters()
    {
        using (var connection = new SqliteConnection("Data Source=" + _factory.DatabasePath + ";Pooling=False"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO prediction_input_columns (id, columns) VALUES (41, '["c\ud800"]');
                INSERT INTO prediction_log (request_id, model_name, model_version, timestamp, latency_us, row_count, input_columns_id, inputs, outputs)
                VALUES ('old-1', 'old', '1', 1000, 5, 2, 41, '[["\ud800x"],["ok \ud83d\ude00"]]', '["\udc00", 1]');
                INSERT INTO prediction_feedback (request_id, row_index, labels, label_count, timestamp) VALUES ('old-1', NULL, '["\ud800", "fine"]', 2, 2000);
                INSERT INTO prediction_feedback (request_id, row_index, labels, label_count, timestamp) VALUES ('old-1', 1, 'not json', 1, 3000);
                """;
            insert.ExecuteNonQuery();
        }

        using var response = await _client.GetAsync("/api/2.0/keel/serving/predictions?model=old");
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.True((int)response.StatusCode == 200, System.Text.Encoding.UTF8.GetString(body));
        var page = PredictionLogJson.ReadPage(body); // What Keel.Client and keel predictions export read.
        var item = Assert.Single(page.Items);
        Assert.Equal(["c\uFFFD"], item.Record.InputColumns);
        Assert.Contains("\\ufffdx", item.Record.InputsJson, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\\ud83d\\ude00", item.Record.InputsJson, StringComparison.OrdinalIgnoreCase); // A valid pair is kept.
        Assert.Contains("\\ufffd", item.Record.OutputsJson, StringComparison.OrdinalIgnoreCase);
        using var labels = System.Text.Json.JsonDocument.Parse(item.LabelsJson!);
        Assert.Equal("\uFFFD", labels.RootElement[0].GetString());
        Assert.Equal("fine", labels.RootElement[1].GetString());
    }
}
