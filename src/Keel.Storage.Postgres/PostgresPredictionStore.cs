using System.Collections.Concurrent;
using Keel.Core.Predictions;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// The prediction log in PostgreSQL (tables <c>prediction_log</c>, <c>prediction_input_columns</c> and
/// <c>prediction_feedback</c>, schema version 8), behaving as <c>SqlitePredictionStore</c> does.
/// Appends are one binary <c>COPY</c> per batch (one statement: all or none, no BEGIN/COMMIT round
/// trips), after storing the batch's new column lists; any number of Keel processes may append at once. Reads page by (timestamp, id) over the
/// model-time or deployment-time index and join each page's feedback with one more statement.
/// <see cref="PruneAsync"/> applies a retention policy in short transactions.
/// </summary>
public sealed partial class PostgresPredictionStore(PostgresDatabase database) : IPredictionStore
{
    /// <summary>Column list id to its names; ids never change meaning, so this is shared by every read and write.</summary>
    private readonly ConcurrentDictionary<long, string[]> _columnLists = new();

    /// <inheritdoc />
    public Task AppendAsync(IReadOnlyList<PredictionLogRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var entries = new PredictionLogEntry[records.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = PredictionLogEntry.From(records[i]);
        }

        return AppendAsync(entries, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<int> AddFeedbackAsync(PredictionFeedback feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        var requestId = PostgresText.Storable(feedback.RequestId);
        return await database.WriteAsync(
            async (connection, tx) =>
            {
                // Feedback joins answered requests only: a failed request has no prediction to label.
                List<int> counts;
                using (var rows = new NpgsqlCommand("SELECT row_count FROM prediction_log WHERE request_id = @r AND error_code IS NULL", connection, tx))
                {
                    rows.Text("r", requestId);
                    counts = await rows.ListAsync(r => r.GetInt32(0), cancellationToken).ConfigureAwait(false);
                }

                if (counts.Count == 0)
                {
                    throw PredictionFeedback.UnknownRequest(feedback.RequestId);
                }

                foreach (var count in counts.Distinct())
                {
                    feedback.CheckAgainst(count);
                }

                using var insert = new NpgsqlCommand("INSERT INTO prediction_feedback (request_id, row_index, labels, label_count, timestamp) VALUES (@r, @i, @l, @c, @t)", connection, tx);
                insert.Text("r", requestId).Int("i", feedback.RowIndex).Text("l", PostgresText.Storable(feedback.LabelsJson))
                    .Int("c", feedback.LabelCount).Long("t", feedback.TimestampMs);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return counts.Count;
            },
            cancellationToken).ConfigureAwait(false);
    }
}
