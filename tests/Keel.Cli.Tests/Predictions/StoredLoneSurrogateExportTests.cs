using Keel.Cli.Tests.Infrastructure;
using Keel.Data;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Cli.Tests.Predictions;

/// <summary><c>keel predictions export</c> on a local store an older version wrote lone surrogate escapes into.</summary>
public sealed class StoredLoneSurrogateExportTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-export-surrogates-").FullName;

    private string Database => Path.Combine(_folder, "keel.db");

    public async ValueTask InitializeAsync()
    {
        // Create and migrate the database, then write rows as an older version could have.
        await using (new SqliteTrackingStore(Database, Path.Combine(_folder, "artifacts"), TimeProvider.System))
        {
        }

        using var connection = new SqliteConnection("Data Source=" + Database + ";Pooling=False");
        connection.Open();
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO prediction_input_columns (id, columns) VALUES (7, '["Home"]');
            INSERT INTO prediction_log (request_id, model_name, model_version, timestamp, latency_us, row_count, input_columns_id, inputs, outputs)
            VALUES ('old-1', 'old', '1', 1000, 5, 1, 7, '[["r\ud800"]]', '[{"predicted_label":"good","probability":0.5}]');
            INSERT INTO prediction_feedback (request_id, row_index, labels, label_count, timestamp) VALUES ('old-1', NULL, '["\udc00"]', 1, 2000);
            """;
        insert.ExecuteNonQuery();
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Export_RowsWithLoneSurrogates_ExportsThemWithReplacementCharacters()
    {
        var output = Path.Combine(_folder, "out.csv");

        var result = await CliRun.RunAsync(["predictions", "export", "--model", "old", output, "--backend-store-uri", "sqlite:///" + Database]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var table = await TableReader.ReadAsync(output, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["r\uFFFD"], table["Home"]!.Texts!);
        using var label = System.Text.Json.JsonDocument.Parse(Assert.Single(table["label"]!.Texts!)!);
        Assert.Equal("\uFFFD", label.RootElement.GetString());
    }
}
