using System.Globalization;
using Keel.Core.Approvals;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Npgsql;

namespace Keel.Storage.Postgres;

// Approval policies and requests (schema version 10): in the registry's store, because a move into
// production reads and consumes them under the model's row lock, in the transaction of the move,
// and their audit entries are the registry's. Every approvals write takes the same lock first, so
// two approvers deciding at once are counted one after the other.
public sealed partial class PostgresRegistryStore : IApprovalStore
{
    private const string RequestColumns = "name, id, version, target, requester, reason, created_at, expires_at, required_approvals, state, updated_at";

    /// <inheritdoc />
    public async Task<ApprovalPolicy> SetPolicyAsync(ApprovalPolicy policy, Actor actor, CancellationToken cancellationToken = default)
    {
        ApprovalRules.ValidatePolicy(policy);
        await WriteAsync(async s => _approvals.SetPolicy(policy, actor, await s.LockModelAsync(policy.Name).ConfigureAwait(false) is not null, Now()), cancellationToken).ConfigureAwait(false);
        return (await GetPolicyAsync(policy.Name, cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async Task<ApprovalPolicy?> GetPolicyAsync(string name, CancellationToken cancellationToken = default)
    {
        if ((await LoadModelsAsync([name], cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            throw RegistryRules.ModelNotFound(name);
        }

        using var cmd = database.Command(PolicySql).Text("n", name);
        var rows = await Guard(cmd.ListAsync(r => ReadPolicy(name, r), cancellationToken)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task DeletePolicyAsync(string name, Actor actor, CancellationToken cancellationToken = default) =>
        WriteAsync(
            async s =>
            {
                var exists = await s.LockModelAsync(name).ConfigureAwait(false) is not null;
                return _approvals.DeletePolicy(name, actor, exists, await s.PolicyAsync(name).ConfigureAwait(false), Now());
            },
            cancellationToken);

    /// <inheritdoc />
    public async Task<ApprovalRequest> CreateRequestAsync(string name, string version, string target, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var number = RegistryRules.ParseVersion(version);
        var canonical = ApprovalTargets.Parse(target);
        long id = 0;
        await WriteAsync(
            async s =>
            {
                var state = await s.LockVersionAsync(name, number).ConfigureAwait(false);
                var max = await s.MaxRequestIdAsync(name).ConfigureAwait(false);
                id = (max ?? 0) + 1;
                var policy = await s.PolicyAsync(name).ConfigureAwait(false);
                var open = await s.RequestsAsync("name = @n AND state IN ('pending', 'approved')", c => c.Text("n", name)).ConfigureAwait(false);
                return _approvals.CreateRequest(name, number, canonical, actor, state, policy, open, max, Now());
            },
            cancellationToken).ConfigureAwait(false);
        return await GetRequestAsync(name, id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ApprovalRequest> GetRequestAsync(string name, long id, CancellationToken cancellationToken = default)
    {
        var found = await LoadRequestsAsync(sql => database.Command(sql), "name = @n AND id = @id", c => c.Text("n", name).Long("id", id), cancellationToken).ConfigureAwait(false);
        return found.Count == 1 ? ApprovalRules.AsSeenAt(found[0], Now()) : throw ApprovalRules.RequestNotFound(name, id);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApprovalRequest>> ListRequestsAsync(string name, string? version = null, string? state = null, CancellationToken cancellationToken = default)
    {
        state = ApprovalRules.ParseState(state);
        var number = version is null ? (long?)null : RegistryRules.ParseVersion(version);
        if ((await LoadModelsAsync([name], cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            throw RegistryRules.ModelNotFound(name);
        }

        var all = number is { } v
            ? await LoadRequestsAsync(sql => database.Command(sql), "name = @n AND version = @v", c => c.Text("n", name).Long("v", v), cancellationToken).ConfigureAwait(false)
            : await LoadRequestsAsync(sql => database.Command(sql), "name = @n", c => c.Text("n", name), cancellationToken).ConfigureAwait(false);
        var now = Now();
        return all.Select(r => ApprovalRules.AsSeenAt(r, now)).Where(r => state is null || r.State == state).ToList();
    }

    /// <inheritdoc />
    public Task<ApprovalRequest> DecideAsync(string name, long id, string decision, Actor actor, CancellationToken cancellationToken = default) =>
        OutcomeAsync(name, id, (request, open) => _approvals.Decide(name, id, request, decision, actor, open, Now()), cancellationToken);

    /// <inheritdoc />
    public Task<ApprovalRequest> CancelAsync(string name, long id, Actor actor, CancellationToken cancellationToken = default) =>
        OutcomeAsync(name, id, (request, open) => _approvals.Cancel(name, id, request, actor, open, Now()), cancellationToken);

    /// <summary>Locks the model, reads the request and the open ones, commits the outcome's change, then throws its refusal if it has one.</summary>
    private async Task<ApprovalRequest> OutcomeAsync(string name, long id, Func<ApprovalRequest?, List<ApprovalRequest>, ApprovalOutcome> plan, CancellationToken cancellationToken)
    {
        KeelException? refusal = null;
        await WriteAsync(
            async s =>
            {
                if (await s.LockModelAsync(name).ConfigureAwait(false) is null)
                {
                    throw RegistryRules.ModelNotFound(name);
                }

                var request = (await s.RequestsAsync("name = @n AND id = @id", c => c.Text("n", name).Long("id", id)).ConfigureAwait(false)).FirstOrDefault();
                var open = await s.RequestsAsync("name = @n AND state IN ('pending', 'approved')", c => c.Text("n", name)).ConfigureAwait(false);
                var outcome = plan(request, open);
                refusal = outcome.Refusal;
                return outcome.Change;
            },
            cancellationToken).ConfigureAwait(false);
        return refusal is null ? await GetRequestAsync(name, id, cancellationToken).ConfigureAwait(false) : throw refusal;
    }

    private const string PolicySql = "SELECT required_approvals, lifetime_seconds, covers_stage, covers_aliases, covers_deployments FROM approval_policies WHERE name = @n";

    private static ApprovalPolicy ReadPolicy(string name, NpgsqlDataReader r) => new(name, r.GetInt32(0), r.GetInt64(1), r.GetBoolean(2), r.GetBoolean(3), r.GetBoolean(4));

    /// <summary>Requests selected by <paramref name="where"/> (over approval_requests), newest first, with their decisions.</summary>
    private static async Task<List<ApprovalRequest>> LoadRequestsAsync(Func<string, NpgsqlCommand> command, string where, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        List<ApprovalRequest> rows;
        using (var cmd = command($"SELECT {RequestColumns} FROM approval_requests WHERE {where} ORDER BY id DESC"))
        {
            bind(cmd);
            rows = await Guard(cmd.ListAsync(
                r => new ApprovalRequest(
                    r.GetString(0), r.GetInt64(1), r.GetInt64(2).ToString(CultureInfo.InvariantCulture), r.GetString(3), r.GetString(4),
                    r.GetNullableString(5), r.GetInt64(6), r.GetInt64(7), r.GetInt32(8), r.GetString(9), r.GetInt64(10), []),
                cancellationToken)).ConfigureAwait(false);
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        List<(string Name, long Id, ApprovalDecision Decision)> decisions;
        using (var cmd = command($"""
            SELECT d.name, d.id, d.user_id, d.decision, d.timestamp, d.comment FROM approval_decisions d
            WHERE (d.name, d.id) IN (SELECT name, id FROM approval_requests WHERE {where}) ORDER BY d.timestamp, d.user_id
            """))
        {
            bind(cmd);
            decisions = await Guard(cmd.ListAsync(r => (r.GetString(0), r.GetInt64(1), new ApprovalDecision(r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetNullableString(5))), cancellationToken)).ConfigureAwait(false);
        }

        var byRequest = decisions.GroupBy(d => (d.Name, d.Id)).ToDictionary(g => g.Key, g => (IReadOnlyList<ApprovalDecision>)g.Select(d => d.Decision).ToList());
        return rows.Select(q => byRequest.TryGetValue((q.Name, q.Id), out var d) ? q with { Decisions = d } : q).ToList();
    }

    private static NpgsqlBatchCommand ApprovalStatement(RegistryWrite write) => write switch
    {
        RegistryWrite.UpsertApprovalPolicy w => Sql("""
            INSERT INTO approval_policies (name, required_approvals, lifetime_seconds, covers_stage, covers_aliases, covers_deployments, updated_by, updated_at)
            VALUES (@n, @r, @l, @s, @a, @d, @u, @t)
            ON CONFLICT (name) DO UPDATE SET required_approvals = excluded.required_approvals, lifetime_seconds = excluded.lifetime_seconds,
                covers_stage = excluded.covers_stage, covers_aliases = excluded.covers_aliases, covers_deployments = excluded.covers_deployments,
                updated_by = excluded.updated_by, updated_at = excluded.updated_at
            """).Text("n", w.Policy.Name).Int("r", w.Policy.RequiredApprovals).Long("l", w.Policy.LifetimeSeconds).Bool("s", w.Policy.CoversStage)
            .Bool("a", w.Policy.CoversAliases).Bool("d", w.Policy.CoversDeployments).Text("u", w.User).Long("t", w.Time).Command,
        RegistryWrite.DeleteApprovalPolicy w => Sql("DELETE FROM approval_policies WHERE name = @n").Text("n", w.Name).Command,
        RegistryWrite.InsertApprovalRequest w => Sql($"INSERT INTO approval_requests ({RequestColumns}) VALUES (@n, @id, @v, @tg, @u, @why, @c, @e, @r, 'pending', @c)")
            .Text("n", w.Name).Long("id", w.Id).Long("v", w.Version).Text("tg", w.Target).Text("u", w.Requester).Text("why", w.Reason)
            .Long("c", w.CreatedAt).Long("e", w.ExpiresAt).Int("r", w.RequiredApprovals).Command,
        RegistryWrite.InsertApprovalDecision w => Sql("INSERT INTO approval_decisions (name, id, user_id, decision, timestamp, comment) VALUES (@n, @id, @u, @d, @t, @c)")
            .Text("n", w.Name).Long("id", w.Id).Text("u", w.User).Text("d", w.Decision).Long("t", w.Time).Text("c", w.Comment).Command,
        RegistryWrite.SetApprovalState w => Sql("UPDATE approval_requests SET state = @s, updated_at = @t WHERE name = @n AND id = @id")
            .Text("n", w.Name).Long("id", w.Id).Text("s", w.State).Long("t", w.Time).Command,
        _ => throw new ArgumentOutOfRangeException(nameof(write), write, "Unknown registry write."),
    };

    /// <summary>The approvals reads of one write transaction.</summary>
    private sealed partial class Session
    {
        public async Task<ApprovalPolicy?> PolicyAsync(string name) =>
            (await List(PolicySql, r => ReadPolicy(name, r), c => c.Text("n", name)).ConfigureAwait(false)).FirstOrDefault();

        public Task<long?> MaxRequestIdAsync(string name) =>
            Scalar("SELECT MAX(id) FROM approval_requests WHERE name = @n", r => r.GetNullableInt64(0), c => c.Text("n", name));

        public Task<List<ApprovalRequest>> RequestsAsync(string where, Action<NpgsqlCommand> bind) =>
            LoadRequestsAsync(sql => new NpgsqlCommand(sql, connection, tx), where, bind, cancellationToken);

        /// <summary>The policy and the version's approved and used requests, as the gate on a move into production needs them.</summary>
        public async Task<ApprovalCheck> ApprovalsAsync(string name, long version)
        {
            var policy = await PolicyAsync(name).ConfigureAwait(false);
            return policy is null
                ? new ApprovalCheck(null, [])
                : new ApprovalCheck(policy, await RequestsAsync("name = @n AND version = @v AND state IN ('approved', 'used')", c => c.Text("n", name).Long("v", version)).ConfigureAwait(false));
        }
    }
}
