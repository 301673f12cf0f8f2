using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

/// <summary>One log-metric call waiting for its group.</summary>
internal sealed record PendingMetric(string RunId, string Key, long Step, long Timestamp, double Value, short IsNan)
{
    public TaskCompletionSource<RunStages?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A run's lifecycle and its experiment's, as a write saw them.</summary>
internal sealed record RunStages(string RunStage, string ExperimentStage);

/// <summary>
/// Group commit for single-metric writes. Concurrent log-metric calls to one run all move the same
/// <c>latest_metrics</c> row, whose lock is held until commit, so one transaction each would run
/// them one commit (one WAL flush) at a time. Instead, calls that arrive while a group is being
/// written wait and go together: one statement over arrays (<see cref="PostgresTrackingStore.LogMetricsSql"/>),
/// one round trip, one transaction, one flush. No background task: the call that finds no writer
/// running starts one, which drains the queue and stops when it is empty.
/// </summary>
/// <remarks>
/// The statement checks each call's run and cannot fail on bad input (an inactive run inserts
/// nothing and reports its state), so one call never fails another. A database error fails the
/// group's calls; a deadlock with another process's group is retried.
/// </remarks>
internal sealed class MetricGroupWriter(NpgsqlDataSource dataSource)
{
    /// <summary>At most this many calls in one transaction.</summary>
    private const int MaxGroup = 256;

    private const int DeadlockRetries = 3;

    private readonly ConcurrentQueue<PendingMetric> _queue = new();
    private int _writing;

    /// <summary>Writes <paramref name="metric"/> with whatever else is waiting; null when the run does not exist.</summary>
    public async Task<RunStages?> WriteAsync(PendingMetric metric, CancellationToken cancellationToken)
    {
        _queue.Enqueue(metric);
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            _ = Task.Run(DrainAsync, CancellationToken.None);
        }

        // Once queued the write happens (or fails) with its group; cancelling stops only the waiting.
        return await metric.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task DrainAsync()
    {
        var group = new List<PendingMetric>(MaxGroup);
        while (true)
        {
            group.Clear();
            while (group.Count < MaxGroup && _queue.TryDequeue(out var next))
            {
                group.Add(next);
            }

            if (group.Count > 0)
            {
                await WriteGroupAsync(group).ConfigureAwait(false);
                continue;
            }

            Volatile.Write(ref _writing, 0);

            // A call may have queued after the last TryDequeue and seen _writing == 1: take over again.
            if (_queue.IsEmpty || Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private async Task WriteGroupAsync(List<PendingMetric> group)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var results = await ExecuteAsync(group).ConfigureAwait(false);
                    for (var i = 0; i < group.Count; i++)
                    {
                        group[i].Done.TrySetResult(results[i]);
                    }

                    return;
                }
                catch (PostgresException e) when (attempt < DeadlockRetries && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
                {
                }
            }
        }
        catch (Exception e)
        {
            foreach (var metric in group)
            {
                metric.Done.TrySetException(e);
            }
        }
    }

    private async Task<RunStages?[]> ExecuteAsync(List<PendingMetric> group)
    {
        using var cmd = dataSource.CreateCommand(PostgresTrackingStore.LogMetricsSql);
        cmd.Array("id", NpgsqlDbType.Text, group.Select(m => m.RunId).ToArray())
            .Array("k", NpgsqlDbType.Text, group.Select(m => m.Key).ToArray())
            .Array("s", NpgsqlDbType.Bigint, group.Select(m => m.Step).ToArray())
            .Array("t", NpgsqlDbType.Bigint, group.Select(m => m.Timestamp).ToArray())
            .Array("v", NpgsqlDbType.Double, group.Select(m => m.Value).ToArray())
            .Array("n", NpgsqlDbType.Smallint, group.Select(m => m.IsNan).ToArray());
        var rows = await cmd.ListAsync(r => r.IsDBNull(0) ? null : new RunStages(r.GetString(0), r.GetString(1)), CancellationToken.None).ConfigureAwait(false);
        return [.. rows];
    }
}
