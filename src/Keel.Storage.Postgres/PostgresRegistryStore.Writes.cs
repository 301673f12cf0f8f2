using Keel.Core.Errors;
using Keel.Core.Registry;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

// The write side: a transaction that locks the model, reads the state RegistryRules needs, and
// applies the writes it returns as one batch (one round trip), each write one statement.
public sealed partial class PostgresRegistryStore
{
    /// <summary>Reads state, computes the change and applies it, in one transaction.</summary>
    private async Task<RegistryChange> WriteAsync(Func<Session, Task<RegistryChange>> plan, CancellationToken cancellationToken)
    {
        try
        {
            return await database.WriteAsync(
                async (connection, tx) =>
                {
                    var change = await plan(new Session(connection, tx, cancellationToken)).ConfigureAwait(false);
                    await ApplyAsync(connection, tx, change, cancellationToken).ConfigureAwait(false);
                    return change;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Only a create racing another create of the same name gets here: every other change holds the model's row.
            throw KeelException.AlreadyExists($"A concurrent change created the same entry ({e.ConstraintName}); it already exists.");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CharacterNotInRepertoire)
        {
            throw NulRefused(e);
        }
    }

    /// <summary>PostgreSQL text cannot hold U+0000: a name or key with one cannot exist, and is refused as a bad parameter.</summary>
    private static KeelException NulRefused(PostgresException e) =>
        new(ErrorCode.InvalidParameterValue, $"A text value contains a character PostgreSQL cannot store (U+0000): {e.MessageText}");

    private static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RegistryChange change, CancellationToken cancellationToken)
    {
        if (change.Writes.Count == 0)
        {
            return;
        }

        var batch = new NpgsqlBatch(connection, tx);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var write in change.Writes)
            {
                batch.BatchCommands.Add(Statement(write));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static NpgsqlBatchCommand Statement(RegistryWrite write) => write switch
    {
        RegistryWrite.InsertModel w => Sql("INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (@n, @t, @t, @d)")
            .Text("n", w.Name).Long("t", w.Time).Text("d", w.Description).Command,
        RegistryWrite.RenameModel w => Sql("""
            WITH moved AS (UPDATE registered_models SET name = @new, last_updated_time = @t WHERE name = @n)
            UPDATE registry_events SET name = @new WHERE name = @n
            """).Text("n", w.Name).Text("new", w.NewName).Long("t", w.Time).Command,
        RegistryWrite.UpdateModelDescription w => Sql("UPDATE registered_models SET description = @d, last_updated_time = @t WHERE name = @n")
            .Text("n", w.Name).Text("d", w.Description).Long("t", w.Time).Command,
        RegistryWrite.DeleteModel w => Sql("DELETE FROM registered_models WHERE name = @n").Text("n", w.Name).Command,
        RegistryWrite.TouchModel w => Sql("UPDATE registered_models SET last_updated_time = @t WHERE name = @n").Text("n", w.Name).Long("t", w.Time).Command,
        RegistryWrite.UpsertModelTag w => Sql("INSERT INTO registered_model_tags (name, key, value) VALUES (@n, @k, @v) ON CONFLICT (name, key) DO UPDATE SET value = excluded.value")
            .Text("n", w.Name).Text("k", w.Key).Text("v", w.Value).Command,
        RegistryWrite.DeleteModelTag w => Sql("DELETE FROM registered_model_tags WHERE name = @n AND key = @k").Text("n", w.Name).Text("k", w.Key).Command,
        RegistryWrite.InsertVersion w => Sql("""
            INSERT INTO model_versions (name, version, creation_time, last_updated_time, user_id, current_stage, description, source, run_id, run_link, status, lineage)
            VALUES (@n, @v, @t, @t, @u, 'None', @d, @s, @r, @l, 'READY', @lin)
            """).Text("n", w.Name).Long("v", w.Version).Long("t", w.Time).Text("u", w.User).Text("d", w.Description).Text("s", w.Source)
            .Text("r", w.RunId).Text("l", w.RunLink).Text("lin", w.Lineage).Command,
        RegistryWrite.UpdateVersionDescription w => Sql("UPDATE model_versions SET description = @d, last_updated_time = @t WHERE name = @n AND version = @v")
            .Text("n", w.Name).Long("v", w.Version).Text("d", w.Description).Long("t", w.Time).Command,
        RegistryWrite.SetVersionStage w => Sql("UPDATE model_versions SET current_stage = @s, last_updated_time = @t WHERE name = @n AND version = @v")
            .Text("n", w.Name).Long("v", w.Version).Text("s", w.Stage).Long("t", w.Time).Command,
        RegistryWrite.UpsertVersionTag w => Sql("INSERT INTO model_version_tags (name, version, key, value) VALUES (@n, @v, @k, @val) ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value")
            .Text("n", w.Name).Long("v", w.Version).Text("k", w.Key).Text("val", w.Value).Command,
        RegistryWrite.DeleteVersionTag w => Sql("DELETE FROM model_version_tags WHERE name = @n AND version = @v AND key = @k")
            .Text("n", w.Name).Long("v", w.Version).Text("k", w.Key).Command,
        RegistryWrite.PointAlias w => Sql("INSERT INTO registered_model_aliases (name, alias, version) VALUES (@n, @a, @v) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version")
            .Text("n", w.Name).Text("a", w.Alias).Long("v", w.Version).Command,
        RegistryWrite.DeleteAlias w => Sql("DELETE FROM registered_model_aliases WHERE name = @n AND alias = @a").Text("n", w.Name).Text("a", w.Alias).Command,
        RegistryWrite.AppendEvent w => Sql("""
            INSERT INTO registry_events (name, version, kind, target, from_value, to_value, user_id, timestamp, comment, rollback)
            VALUES (@n, @v, @k, @tg, @f, @to, @u, @t, @c, @r)
            """).Text("n", w.Name).Long("v", w.Version).Text("k", w.Kind).Text("tg", w.Target).Text("f", w.From).Text("to", w.To)
            .Text("u", w.User).Long("t", w.Timestamp).Text("c", w.Comment).Bool("r", w.Rollback).Command,
        _ => ApprovalStatement(write),
    };

    private static BatchStatement Sql(string sql) => new(new NpgsqlBatchCommand(sql));

    /// <summary>Typed parameters on a batch command (so a null still has a type).</summary>
    private readonly record struct BatchStatement(NpgsqlBatchCommand Command)
    {
        public BatchStatement Text(string name, string? value) => Add(name, NpgsqlDbType.Text, value);

        public BatchStatement Long(string name, long? value) => Add(name, NpgsqlDbType.Bigint, value);

        public BatchStatement Bool(string name, bool value) => Add(name, NpgsqlDbType.Boolean, value);

        public BatchStatement Int(string name, int value) => Add(name, NpgsqlDbType.Integer, value);

        private BatchStatement Add(string name, NpgsqlDbType type, object? value)
        {
            Command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
            return this;
        }
    }
}
