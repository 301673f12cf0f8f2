using System.Diagnostics;
using System.Text.Json;
using Keel.Core.Paging;
using Keel.Core.Predictions;
using Keel.ML.Packaging;
using Keel.Server.Serving;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Server.Tests.Serving;

/// <summary>The buffered logger over a real SQLite store, with the fixture's model and its example rows.</summary>
[Collection(ServingCollection.Name)]
public sealed class PredictionLoggerTests(ServingFixture fixture) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-predlog-").FullName;
    private SqliteTrackingStore _database = null!;
    private SqlitePredictionStore _store = null!;
    private ServedModel _model = null!;
    private List<IReadOnlyDictionary<string, JsonElement>> _rows = [];
    private IReadOnlyList<ModelPrediction> _predictions = [];

    public async ValueTask InitializeAsync()
    {
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), TimeProvider.System);
        _store = new SqlitePredictionStore(_database.Database);
        _model = await ServedModel.LoadAsync("bc", fixture.PackageDirectory, "7");
        _rows = fixture.Records().Select(r => (IReadOnlyDictionary<string, JsonElement>)r).ToList();
        _predictions = _model.Predict(_rows);
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static PredictionLogger Logger(IPredictionStore store, Action<PredictionLogOptions>? configure = null)
    {
        var options = new PredictionLogOptions { BatchSize = 10, FlushInterval = TimeSpan.FromMilliseconds(20) };
        configure?.Invoke(options);
        return new PredictionLogger(store, options, TimeProvider.System, NullLogger<PredictionLogger>.Instance);
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "Timed out waiting for " + what);
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    private async Task<IReadOnlyList<LoggedPrediction>> ReadAllAsync()
    {
        var page = await _store.SearchAsync(new PredictionQuery("bc", MaxResults: PredictionQuery.MaxPageSize), TestContext.Current.CancellationToken);
        return page.Items;
    }

    [Fact]
    public async Task Record_WritesEveryRequestInBatches_WithInputsOutputsAndLatency()
    {
        using var logger = Logger(_store);
        await logger.StartAsync(TestContext.Current.CancellationToken);
        for (var i = 0; i < 25; i++)
        {
            Assert.True(logger.Record("req-" + i, _model, _rows, _predictions, Stopwatch.GetTimestamp()));
        }

        await Eventually(() => logger.Written == 25, "25 records written");
        await logger.StopAsync(TestContext.Current.CancellationToken);

        var logged = await ReadAllAsync();
        Assert.Equal(25, logged.Count);
        Assert.Equal(0, logger.Dropped);
        Assert.Equal(0, logger.WriteFailures);
        var first = logged.Single(l => l.Record.RequestId == "req-0").Record;
        Assert.Equal(("bc", "7", _rows.Count), (first.ModelName, first.ModelVersion, first.RowCount));
        Assert.True(first.LatencyMicroseconds >= 0);
        using var inputs = JsonDocument.Parse(first.InputsJson);
        Assert.Equal(_rows.Count, inputs.RootElement.GetArrayLength());
        Assert.Equal(fixture.Columns, first.InputColumns);
        for (var c = 0; c < fixture.Columns.Length; c++)
        {
            Assert.Equal(fixture.Rows[1][c].GetDouble(), inputs.RootElement[1][c].GetDouble());
        }
        using var outputs = JsonDocument.Parse(first.OutputsJson);
        for (var r = 0; r < _predictions.Count; r++)
        {
            Assert.Equal(fixture.Expected[r].Label, outputs.RootElement[r].GetProperty("predicted_label").GetString());
            Assert.Equal(fixture.Expected[r].Probability!.Value, outputs.RootElement[r].GetProperty("probability").GetDouble(), 12);
        }
    }

    [Fact]
    public void Record_SampleRateZero_LogsNothing_AndHalf_LogsAboutHalf()
    {
        using var none = Logger(_store, o => o.SampleRate = 0);
        Assert.DoesNotContain(Enumerable.Range(0, 200), _ => none.Record("x", _model, _rows, _predictions, Stopwatch.GetTimestamp()));

        using var half = Logger(_store, o => { o.SampleRate = 0.5; o.Capacity = 10_000; });
        var queued = Enumerable.Range(0, 4000).Count(i => half.Record("h" + i, _model, _rows, _predictions, Stopwatch.GetTimestamp()));

        // Binomial(4000, 0.5): sd ~32; the bounds are 6 sd wide.
        Assert.InRange(queued, 1800, 2200);
        Assert.Equal(queued, half.QueueLength);
        Assert.Equal(0, half.Dropped);
    }

    [Fact]
    public async Task Record_StoreSlow_DropsAndCountsInsteadOfWaiting_ThenWritesWhatItKept()
    {
        var slow = new GatedPredictionStore(_store);
        using var logger = Logger(slow, o => { o.Capacity = 20; o.BatchSize = 5; });
        await logger.StartAsync(TestContext.Current.CancellationToken);

        // The first batch reaches the store and hangs there; the buffer fills behind it.
        Assert.True(logger.Record("first", _model, _rows, _predictions, Stopwatch.GetTimestamp()));
        await Eventually(() => slow.Waiting == 1, "the writer to block in the store");
        var timer = Stopwatch.StartNew();
        var queued = 1 + Enumerable.Range(0, 500).Count(i => logger.Record("r" + i, _model, _rows, _predictions, Stopwatch.GetTimestamp()));
        timer.Stop();

        // The capacity counts every request not yet written, the one in the blocked batch included.
        Assert.Equal(20, queued);
        Assert.Equal(481, logger.Dropped);
        Assert.Equal(481, logger.DroppedBy(PredictionLogDropReason.QueueFull));
        Assert.Equal(20, logger.QueueLength);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(2), $"500 Record calls took {timer.Elapsed} with the store blocked");

        slow.Open();
        await logger.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(20, logger.Written);
        Assert.Equal(20, (await ReadAllAsync()).Count);
        await logger.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Record_StoreFails_CountsTheLossAndNeverThrows()
    {
        var folder = Directory.CreateTempSubdirectory("keel-predlog-broken-").FullName;
        var broken = new SqliteTrackingStore(Path.Combine(folder, "keel.db"), Path.Combine(folder, "artifacts"), TimeProvider.System);
        await broken.DisposeAsync(); // a closed database: every append fails
        using var logger = Logger(new SqlitePredictionStore(broken.Database));
        await logger.StartAsync(TestContext.Current.CancellationToken);

        for (var i = 0; i < 12; i++)
        {
            Assert.True(logger.Record("f" + i, _model, _rows, _predictions, Stopwatch.GetTimestamp()));
        }

        await logger.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(12, logger.WriteFailures);
        Assert.True(logger.FailedBatches >= 2);
        Assert.Equal(0, logger.Written);

        // The writer is still alive after failures.
        Assert.True(logger.Record("after", _model, _rows, _predictions, Stopwatch.GetTimestamp()));
        await logger.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(13, logger.WriteFailures);
        await logger.StopAsync(TestContext.Current.CancellationToken);
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Stop_WritesWhatIsBuffered_AndLaterRequestsCountAsDropped()
    {
        using var logger = Logger(_store, o => o.FlushInterval = TimeSpan.FromHours(1));
        await logger.StartAsync(TestContext.Current.CancellationToken);
        for (var i = 0; i < 7; i++)
        {
            logger.Record("s" + i, _model, _rows, _predictions, Stopwatch.GetTimestamp());
        }

        await logger.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(7, logger.Written);
        Assert.Equal(7, (await ReadAllAsync()).Count);
        Assert.False(logger.Record("late", _model, _rows, _predictions, Stopwatch.GetTimestamp()));
        Assert.Equal(1, logger.Dropped);
        Assert.Equal(1, logger.DroppedBy(PredictionLogDropReason.Stopped));
    }

    [Fact]
    public async Task Flush_CutsTheBatchWaitShort()
    {
        using var logger = Logger(_store, o => o.FlushInterval = TimeSpan.FromHours(1));
        await logger.StartAsync(TestContext.Current.CancellationToken);
        logger.Record("flushed", _model, _rows, _predictions, Stopwatch.GetTimestamp());

        await logger.FlushAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Equal("flushed", Assert.Single(await ReadAllAsync()).Record.RequestId);
        await logger.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Flush_UnderSteadyTraffic_WaitsOnlyForWhatWasBuffered()
    {
        using var logger = Logger(_store, o => { o.FlushInterval = TimeSpan.FromHours(1); o.BatchSize = 50; o.Capacity = 5_000; });
        await logger.StartAsync(TestContext.Current.CancellationToken);
        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(() =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                // Keep a backlog of about 2,000, below capacity, so the marker below has room.
                if (logger.QueueLength < 2_000)
                {
                    logger.Record("t" + i, _model, _rows, _predictions, Stopwatch.GetTimestamp());
                }
                else
                {
                    Thread.Yield();
                }
            }
        });

        bool stillBusy;
        var found = false;
        try
        {
            await Eventually(() => logger.QueueLength > 1000, "a backlog");
            Assert.True(logger.Record("marker", _model, _rows, _predictions, Stopwatch.GetTimestamp()));

            await logger.FlushAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            stillBusy = logger.QueueLength > 0;
            var query = new PredictionQuery("bc", MaxResults: PredictionQuery.MaxPageSize);
            while (!found)
            {
                var page = await _store.SearchAsync(query, TestContext.Current.CancellationToken);
                found = page.Items.Any(l => l.Record.RequestId == "marker");
                if (page.NextPageToken is null)
                {
                    break;
                }

                query = query with { PageToken = page.NextPageToken };
            }
        }
        finally
        {
            await stop.CancelAsync();
            await traffic;
        }

        await logger.StopAsync(TestContext.Current.CancellationToken);
        Assert.True(stillBusy, "traffic kept the buffer non-empty while flushing");
        Assert.True(found, "the marker was written when the flush returned");
    }

    [Fact]
    public void Options_Invalid_AreAllReportedAtStart()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Logger(_store, o => { o.SampleRate = 2; o.Capacity = 0; o.FlushInterval = TimeSpan.Zero; }));
        Assert.Contains("SampleRate", e.Message, StringComparison.Ordinal);
        Assert.Contains("Capacity", e.Message, StringComparison.Ordinal);
        Assert.Contains("FlushInterval", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_StoreStalled_BufferNeverHoldsMoreThanMaxBufferBytes_DropsCountedAsQueueBytes_ThenDrainsToZero()
    {
        var slow = new GatedPredictionStore(_store);
        const long MaxBytes = 64 * 1024;
        using var logger = Logger(slow, o => { o.MaxBufferBytes = MaxBytes; o.BatchSize = 5; });
        await logger.StartAsync(TestContext.Current.CancellationToken);
        Assert.True(logger.Record("first", _model, _rows, _predictions, Stopwatch.GetTimestamp()));
        await Eventually(() => slow.Waiting == 1, "the writer to block in the store");

        var queued = 1;
        for (var i = 0; i < 500; i++)
        {
            queued += logger.Record("r" + i, _model, _rows, _predictions, Stopwatch.GetTimestamp()) ? 1 : 0;
            Assert.InRange(logger.QueueBytes, 0, MaxBytes);
        }

        Assert.InRange(queued, 2, 400);
        Assert.Equal(501 - queued, logger.DroppedBy(PredictionLogDropReason.QueueBytes));
        Assert.Equal(0, logger.DroppedBy(PredictionLogDropReason.QueueFull));
        Assert.Equal(logger.Dropped, logger.DroppedBy(PredictionLogDropReason.QueueBytes));

        slow.Open();
        await logger.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(queued, logger.Written);
        Assert.Equal((0, 0L), (logger.QueueLength, logger.QueueBytes));
        await logger.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Record_AfterALargeBacklogDrains_ReturnsMemoryToTheSystemOnce()
    {
        var slow = new GatedPredictionStore(_store);
        using var logger = Logger(slow, o => o.BatchSize = 1000);
        await logger.StartAsync(TestContext.Current.CancellationToken);
        var i = 0;
        while (logger.QueueBytes <= PredictionLogger.TrimAfterBytes)
        {
            Assert.True(logger.Record("big" + i++, _model, _rows, _predictions, Stopwatch.GetTimestamp()));
        }

        Assert.Equal(0, logger.MemoryTrims);
        slow.Open();
        await logger.FlushAsync(TestContext.Current.CancellationToken);
        await Eventually(() => logger.MemoryTrims == 1, "the writer to return memory after the backlog drained");
        Assert.Equal((0, 0L, (long)i), (logger.QueueLength, logger.QueueBytes, logger.Written));
        await logger.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Record_InputsModeHash_StoresTheSha256OfEachCanonicalRow_AndNone_StoresNoInputs()
    {
        foreach (var mode in new[] { PredictionInputsMode.Hash, PredictionInputsMode.None })
        {
            using var logger = Logger(_store, o => o.InputsMode = mode);
            await logger.StartAsync(TestContext.Current.CancellationToken);
            Assert.True(logger.Record("mode-" + mode, _model, _rows, _predictions, Stopwatch.GetTimestamp()));
            await logger.FlushAsync(TestContext.Current.CancellationToken);
            await logger.StopAsync(TestContext.Current.CancellationToken);
        }

        var logged = await ReadAllAsync();
        var hashed = logged.Single(l => l.Record.RequestId == "mode-Hash").Record;
        using (var inputs = JsonDocument.Parse(hashed.InputsJson))
        {
            // The canonical row: the values in signature order, as the client sent them, as a compact JSON array.
            var expected = fixture.Rows.Select(row => "sha256:" + Convert.ToHexStringLower(
                System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("[" + string.Join(",", row.Select(v => v.GetRawText())) + "]")))).ToArray();
            Assert.Equal(expected, inputs.RootElement.EnumerateArray().Select(e => e.GetString()).ToArray());
        }

        var none = logged.Single(l => l.Record.RequestId == "mode-None").Record;
        Assert.Equal(("[]", _rows.Count), (none.InputsJson, none.RowCount));
        Assert.Equal(_predictions.Count, JsonDocument.Parse(none.OutputsJson).RootElement.GetArrayLength());
    }

    /// <summary>The real store behind a gate: appends wait until the test opens it (a store that has become slow).</summary>
    private sealed class GatedPredictionStore(IPredictionStore inner) : IPredictionStore
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiting;

        public int Waiting => Volatile.Read(ref _waiting);

        public void Open() => _open.TrySetResult();

        public async Task AppendAsync(IReadOnlyList<PredictionLogRecord> records, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _waiting);
            await _open.Task.ConfigureAwait(false);
            await inner.AppendAsync(records, cancellationToken).ConfigureAwait(false);
        }

        public async Task AppendAsync(IReadOnlyList<PredictionLogEntry> entries, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _waiting);
            await _open.Task.ConfigureAwait(false);
            await inner.AppendAsync(entries, cancellationToken).ConfigureAwait(false);
        }

        public Task<PredictionPruneResult> PruneAsync(PredictionRetention retention, long nowMs, CancellationToken cancellationToken = default) => inner.PruneAsync(retention, nowMs, cancellationToken);

        public Task<int> AddFeedbackAsync(PredictionFeedback feedback, CancellationToken cancellationToken = default) => inner.AddFeedbackAsync(feedback, cancellationToken);

        public Task<PagedResult<LoggedPrediction>> SearchAsync(PredictionQuery query, CancellationToken cancellationToken = default) => inner.SearchAsync(query, cancellationToken);

        public Task<IReadOnlyList<PredictionErrorCount>> CountErrorsAsync(PredictionQuery query, CancellationToken cancellationToken = default) => inner.CountErrorsAsync(query, cancellationToken);

        public Task<IReadOnlyList<PredictionRequestSource>> FindRequestSourcesAsync(string requestId, CancellationToken cancellationToken = default) => inner.FindRequestSourcesAsync(requestId, cancellationToken);
    }
}
