using Keel.Core.Approvals;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

// Approval policies and requests (schema version 13): in the registry's store, because a move into
// production reads and consumes them in the same writer transaction as the move, and their audit
// entries are the registry's.
public sealed partial class SqliteRegistryStore : IApprovalStore
{
    private const string RequestColumns = "name, id, version, target, requester, reason, created_at, expires_at, required_approvals, state, updated_at";
    private const string OpenStates = "('pending', 'approved')";

    /// <inheritdoc />
    public async Task<ApprovalPolicy> SetPolicyAsync(ApprovalPolicy policy, Actor actor, CancellationToken cancellationToken = default)
    {
        ApprovalRules.ValidatePolicy(policy);
        await Write(tx => _approvals.SetPolicy(policy, actor, ReadModel(tx, policy.Name) is not null, Now()), cancellationToken).ConfigureAwait(false);
        return (await GetPolicyAsync(policy.Name, cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public Task<ApprovalPolicy?> GetPolicyAsync(string name, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReadConnection();
        if (ReadModelExists(connection, name) is false)
        {
            throw RegistryRules.ModelNotFound(name);
        }

        return Task.FromResult(ReadPolicy(connection, null, name));
    }

    /// <inheritdoc />
    public Task DeletePolicyAsync(string name, Actor actor, CancellationToken cancellationToken = default) =>
        Write(tx => _approvals.DeletePolicy(name, actor, ReadModel(tx, name) is not null, ReadPolicy(tx.Connection!, tx, name), Now()), cancellationToken);

    /// <inheritdoc />
    public async Task<ApprovalRequest> CreateRequestAsync(string name, string version, string target, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var number = RegistryRules.ParseVersion(version);
        var canonical = ApprovalTargets.Parse(target);
        long id = 0;
        await Write(tx =>
        {
            var max = Scalar(tx, "SELECT MAX(id) FROM approval_requests WHERE name = $n", ("$n", name)) as long?;
            id = (max ?? 0) + 1;
            return _approvals.CreateRequest(name, number, canonical, actor, ReadVersion(tx, name, number), ReadPolicy(tx.Connection!, tx, name), OpenRequests(tx, name), max, Now());
        }, cancellationToken).ConfigureAwait(false);
        return await GetRequestAsync(name, id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ApprovalRequest> GetRequestAsync(string name, long id, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReadConnection();
        var found = LoadRequests(connection, null, "name = $n AND id = $id", ("$n", name), ("$id", id));
        return Task.FromResult(found.Count == 1 ? ApprovalRules.AsSeenAt(found[0], Now()) : throw ApprovalRules.RequestNotFound(name, id));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ApprovalRequest>> ListRequestsAsync(string name, string? version = null, string? state = null, CancellationToken cancellationToken = default)
    {
        state = ApprovalRules.ParseState(state);
        var number = version is null ? (long?)null : RegistryRules.ParseVersion(version);
        using var connection = database.OpenReadConnection();
        if (ReadModelExists(connection, name) is false)
        {
            throw RegistryRules.ModelNotFound(name);
        }

        var all = number is { } v
            ? LoadRequests(connection, null, "name = $n AND version = $v", ("$n", name), ("$v", v))
            : LoadRequests(connection, null, "name = $n", ("$n", name));
        var now = Now();
        IReadOnlyList<ApprovalRequest> seen = all.Select(r => ApprovalRules.AsSeenAt(r, now)).Where(r => state is null || r.State == state).ToList();
        return Task.FromResult(seen);
    }

    /// <inheritdoc />
    public Task<ApprovalRequest> DecideAsync(string name, long id, string decision, Actor actor, CancellationToken cancellationToken = default) =>
        Outcome(name, id, tx => _approvals.Decide(name, id, Request(tx, name, id), decision, actor, OpenRequests(tx, name), Now()), cancellationToken);

    /// <inheritdoc />
    public Task<ApprovalRequest> CancelAsync(string name, long id, Actor actor, CancellationToken cancellationToken = default) =>
        Outcome(name, id, tx => _approvals.Cancel(name, id, Request(tx, name, id), actor, OpenRequests(tx, name), Now()), cancellationToken);

    /// <summary>Commits the outcome's change, then throws its refusal if it has one.</summary>
    private async Task<ApprovalRequest> Outcome(string name, long id, Func<SqliteTransaction, ApprovalOutcome> plan, CancellationToken cancellationToken)
    {
        KeelException? refusal = null;
        await Write(tx =>
        {
            var outcome = plan(tx);
            refusal = outcome.Refusal;
            return outcome.Change;
        }, cancellationToken).ConfigureAwait(false);
        return refusal is null ? await GetRequestAsync(name, id, cancellationToken).ConfigureAwait(false) : throw refusal;
    }

    /// <summary>The policy and the version's approved and used requests, as the gate on a move into production needs them.</summary>
    private ApprovalCheck ReadApprovals(SqliteTransaction tx, string name, long version)
    {
        var policy = ReadPolicy(tx.Connection!, tx, name);
        return policy is null
            ? new ApprovalCheck(null, [])
            : new ApprovalCheck(policy, LoadRequests(tx.Connection!, tx, "name = $n AND version = $v AND state IN ('approved', 'used')", ("$n", name), ("$v", version)));
    }

    private List<ApprovalRequest> OpenRequests(SqliteTransaction tx, string name) =>
        LoadRequests(tx.Connection!, tx, $"name = $n AND state IN {OpenStates}", ("$n", name));

    private static ApprovalRequest? Request(SqliteTransaction tx, string name, long id) =>
        LoadRequests(tx.Connection!, tx, "name = $n AND id = $id", ("$n", name), ("$id", id)).FirstOrDefault();

    private static bool ReadModelExists(SqliteConnection connection, string name)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT EXISTS (SELECT 1 FROM registered_models WHERE name = $n)";
        cmd.Parameters.AddWithValue("$n", name);
        return (long)cmd.ExecuteScalar()! != 0;
    }

    private static ApprovalPolicy? ReadPolicy(SqliteConnection connection, SqliteTransaction? tx, string name)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT required_approvals, lifetime_seconds, covers_stage, covers_aliases, covers_deployments FROM approval_policies WHERE name = $n";
        cmd.Parameters.AddWithValue("$n", name);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new ApprovalPolicy(name, r.GetInt32(0), r.GetInt64(1), r.GetInt64(2) != 0, r.GetInt64(3) != 0, r.GetInt64(4) != 0) : null;
    }

    /// <summary>Requests selected by <paramref name="where"/> (over approval_requests), newest first, with their decisions.</summary>
    private static List<ApprovalRequest> LoadRequests(SqliteConnection connection, SqliteTransaction? tx, string where, params (string Name, object Value)[] parameters)
    {
        var rows = new List<ApprovalRequest>();
        using (var cmd = Command(connection, tx, $"SELECT {RequestColumns} FROM approval_requests WHERE {where} ORDER BY id DESC", parameters))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                rows.Add(new ApprovalRequest(
                    r.GetString(0), r.GetInt64(1), r.GetInt64(2).ToString(System.Globalization.CultureInfo.InvariantCulture), r.GetString(3), r.GetString(4),
                    r.IsDBNull(5) ? null : r.GetString(5), r.GetInt64(6), r.GetInt64(7), r.GetInt32(8), r.GetString(9), r.GetInt64(10), []));
            }
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var decisions = new Dictionary<(string, long), List<ApprovalDecision>>();
        using (var cmd = Command(connection, tx, $"""
            SELECT d.name, d.id, d.user_id, d.decision, d.timestamp, d.comment FROM approval_decisions d
            WHERE (d.name, d.id) IN (SELECT name, id FROM approval_requests WHERE {where}) ORDER BY d.timestamp, d.rowid
            """, parameters))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                var key = (r.GetString(0), r.GetInt64(1));
                if (!decisions.TryGetValue(key, out var list))
                {
                    decisions[key] = list = [];
                }

                list.Add(new ApprovalDecision(r.GetString(2), r.GetString(3), r.GetInt64(4), r.IsDBNull(5) ? null : r.GetString(5)));
            }
        }

        return rows.Select(q => decisions.TryGetValue((q.Name, q.Id), out var d) ? q with { Decisions = d } : q).ToList();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, (string Name, object Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (n, v) in parameters)
        {
            cmd.Parameters.AddWithValue(n, v);
        }

        return cmd;
    }

    private void ApplyApproval(SqliteTransaction tx, RegistryWrite write)
    {
        switch (write)
        {
            case RegistryWrite.UpsertApprovalPolicy w:
                Run(tx, """
                    INSERT INTO approval_policies (name, required_approvals, lifetime_seconds, covers_stage, covers_aliases, covers_deployments, updated_by, updated_at)
                    VALUES ($n, $r, $l, $s, $a, $d, $u, $t)
                    ON CONFLICT (name) DO UPDATE SET required_approvals = excluded.required_approvals, lifetime_seconds = excluded.lifetime_seconds,
                        covers_stage = excluded.covers_stage, covers_aliases = excluded.covers_aliases, covers_deployments = excluded.covers_deployments,
                        updated_by = excluded.updated_by, updated_at = excluded.updated_at
                    """,
                    ("$n", w.Policy.Name), ("$r", w.Policy.RequiredApprovals), ("$l", w.Policy.LifetimeSeconds), ("$s", w.Policy.CoversStage ? 1L : 0L),
                    ("$a", w.Policy.CoversAliases ? 1L : 0L), ("$d", w.Policy.CoversDeployments ? 1L : 0L), ("$u", w.User), ("$t", w.Time));
                break;
            case RegistryWrite.DeleteApprovalPolicy w:
                Run(tx, "DELETE FROM approval_policies WHERE name = $n", ("$n", w.Name));
                break;
            case RegistryWrite.InsertApprovalRequest w:
                Run(tx, $"INSERT INTO approval_requests ({RequestColumns}) VALUES ($n, $id, $v, $tg, $u, $why, $c, $e, $r, 'pending', $c)",
                    ("$n", w.Name), ("$id", w.Id), ("$v", w.Version), ("$tg", w.Target), ("$u", w.Requester), ("$why", w.Reason), ("$c", w.CreatedAt), ("$e", w.ExpiresAt), ("$r", w.RequiredApprovals));
                break;
            case RegistryWrite.InsertApprovalDecision w:
                Run(tx, "INSERT INTO approval_decisions (name, id, user_id, decision, timestamp, comment) VALUES ($n, $id, $u, $d, $t, $c)",
                    ("$n", w.Name), ("$id", w.Id), ("$u", w.User), ("$d", w.Decision), ("$t", w.Time), ("$c", w.Comment));
                break;
            case RegistryWrite.SetApprovalState w:
                Run(tx, "UPDATE approval_requests SET state = $s, updated_at = $t WHERE name = $n AND id = $id", ("$n", w.Name), ("$id", w.Id), ("$s", w.State), ("$t", w.Time));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(write), write, "Unknown registry write.");
        }
    }
}
