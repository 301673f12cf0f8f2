using Keel.Core.Registry;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

// The writer's side: the state RegistryRules needs, read in the writer's transaction, and the
// statement each of its writes maps to.
public sealed partial class SqliteRegistryStore
{
    /// <summary>Computes a change in the writer's transaction and applies it there.</summary>
    private Task<RegistryChange> Write(Func<SqliteTransaction, RegistryChange> plan, CancellationToken cancellationToken) =>
        database.WriteAsync(tx =>
        {
            var change = plan(tx);
            foreach (var write in change.Writes)
            {
                Apply(tx, write);
            }

            return change;
        }, cancellationToken);

    private void Apply(SqliteTransaction tx, RegistryWrite write)
    {
        switch (write)
        {
            case RegistryWrite.InsertModel w:
                Run(tx, "INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES ($n, $t, $t, $d)", ("$n", w.Name), ("$t", w.Time), ("$d", w.Description));
                break;
            case RegistryWrite.RenameModel w:
                Run(tx, "UPDATE registered_models SET name = $new, last_updated_time = $t WHERE name = $n", ("$n", w.Name), ("$new", w.NewName), ("$t", w.Time));
                Run(tx, "UPDATE registry_events SET name = $new WHERE name = $n", ("$n", w.Name), ("$new", w.NewName));
                break;
            case RegistryWrite.UpdateModelDescription w:
                Run(tx, "UPDATE registered_models SET description = $d, last_updated_time = $t WHERE name = $n", ("$n", w.Name), ("$d", w.Description), ("$t", w.Time));
                break;
            case RegistryWrite.DeleteModel w:
                Run(tx, "DELETE FROM registered_models WHERE name = $n", ("$n", w.Name));
                break;
            case RegistryWrite.TouchModel w:
                Run(tx, "UPDATE registered_models SET last_updated_time = $t WHERE name = $n", ("$n", w.Name), ("$t", w.Time));
                break;
            case RegistryWrite.UpsertModelTag w:
                Run(tx, "INSERT INTO registered_model_tags (name, key, value) VALUES ($n, $k, $v) ON CONFLICT (name, key) DO UPDATE SET value = excluded.value", ("$n", w.Name), ("$k", w.Key), ("$v", w.Value));
                break;
            case RegistryWrite.DeleteModelTag w:
                Run(tx, "DELETE FROM registered_model_tags WHERE name = $n AND key = $k", ("$n", w.Name), ("$k", w.Key));
                break;
            case RegistryWrite.InsertVersion w:
                Run(tx, """
                    INSERT INTO model_versions (name, version, creation_time, last_updated_time, user_id, current_stage, description, source, run_id, run_link, status, lineage)
                    VALUES ($n, $v, $t, $t, $u, 'None', $d, $s, $r, $l, 'READY', $lin)
                    """,
                    ("$n", w.Name), ("$v", w.Version), ("$t", w.Time), ("$u", w.User), ("$d", w.Description), ("$s", w.Source), ("$r", w.RunId), ("$l", w.RunLink), ("$lin", w.Lineage));
                break;
            case RegistryWrite.UpdateVersionDescription w:
                Run(tx, "UPDATE model_versions SET description = $d, last_updated_time = $t WHERE name = $n AND version = $v", ("$n", w.Name), ("$v", w.Version), ("$d", w.Description), ("$t", w.Time));
                break;
            case RegistryWrite.SetVersionStage w:
                Run(tx, "UPDATE model_versions SET current_stage = $s, last_updated_time = $t WHERE name = $n AND version = $v", ("$n", w.Name), ("$v", w.Version), ("$s", w.Stage), ("$t", w.Time));
                break;
            case RegistryWrite.UpsertVersionTag w:
                Run(tx, "INSERT INTO model_version_tags (name, version, key, value) VALUES ($n, $v, $k, $val) ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value", ("$n", w.Name), ("$v", w.Version), ("$k", w.Key), ("$val", w.Value));
                break;
            case RegistryWrite.DeleteVersionTag w:
                Run(tx, "DELETE FROM model_version_tags WHERE name = $n AND version = $v AND key = $k", ("$n", w.Name), ("$v", w.Version), ("$k", w.Key));
                break;
            case RegistryWrite.PointAlias w:
                Run(tx, "INSERT INTO registered_model_aliases (name, alias, version) VALUES ($n, $a, $v) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version", ("$n", w.Name), ("$a", w.Alias), ("$v", w.Version));
                break;
            case RegistryWrite.DeleteAlias w:
                Run(tx, "DELETE FROM registered_model_aliases WHERE name = $n AND alias = $a", ("$n", w.Name), ("$a", w.Alias));
                break;
            case RegistryWrite.AppendEvent w:
                Run(tx, """
                    INSERT INTO registry_events (name, version, kind, target, from_value, to_value, user_id, timestamp, comment, rollback)
                    VALUES ($n, $v, $k, $tg, $f, $to, $u, $t, $c, $r)
                    """,
                    ("$n", w.Name), ("$v", w.Version), ("$k", w.Kind), ("$tg", w.Target), ("$f", w.From), ("$to", w.To), ("$u", w.User), ("$t", w.Timestamp), ("$c", w.Comment), ("$r", w.Rollback ? 1L : 0L));
                break;
            default:
                ApplyApproval(tx, write);
                break;
        }
    }

    private void Run(SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = database.Statement(tx, sql);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        cmd.ExecuteNonQuery();
    }

    private object? Scalar(SqliteTransaction tx, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = database.Statement(tx, sql);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return cmd.ExecuteScalar();
    }

    private List<T> Rows<T>(SqliteTransaction tx, string sql, Func<SqliteDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        var cmd = database.Statement(tx, sql);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        var rows = new List<T>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>The artifact URI of a run (deleted or not), null when there is no such run.</summary>
    private string? RunArtifactUri(SqliteTransaction tx, string runId) => Scalar(tx, "SELECT artifact_uri FROM runs WHERE run_uuid = $id", ("$id", runId)) as string;

    private RegistryModelState? ReadModel(SqliteTransaction tx, string name)
    {
        var rows = Rows(tx, "SELECT description FROM registered_models WHERE name = $n", r => new RegistryModelState(r.IsDBNull(0) ? null : r.GetString(0)), ("$n", name));
        return rows.Count == 0 ? null : rows[0];
    }

    private RegistryVersionState ReadVersion(SqliteTransaction tx, string name, long version) =>
        Rows(
            tx,
            "SELECT EXISTS (SELECT 1 FROM registered_models WHERE name = $n), (SELECT current_stage FROM model_versions WHERE name = $n AND version = $v)",
            r => new RegistryVersionState(r.GetInt64(0) != 0, r.IsDBNull(1) ? null : r.GetString(1)),
            ("$n", name),
            ("$v", version))[0];

    private long? MaxVersion(SqliteTransaction tx, string name) => Scalar(tx, "SELECT MAX(version) FROM model_versions WHERE name = $n", ("$n", name)) as long?;

    private string? ModelTagValue(SqliteTransaction tx, string name, string key) =>
        Scalar(tx, "SELECT value FROM registered_model_tags WHERE name = $n AND key = $k", ("$n", name), ("$k", key)) as string;

    private long ModelTagCount(SqliteTransaction tx, string name) => (long)Scalar(tx, "SELECT COUNT(*) FROM registered_model_tags WHERE name = $n", ("$n", name))!;

    private string? VersionTagValue(SqliteTransaction tx, string name, long version, string key) =>
        Scalar(tx, "SELECT value FROM model_version_tags WHERE name = $n AND version = $v AND key = $k", ("$n", name), ("$v", version), ("$k", key)) as string;

    private long VersionTagCount(SqliteTransaction tx, string name, long version) =>
        (long)Scalar(tx, "SELECT COUNT(*) FROM model_version_tags WHERE name = $n AND version = $v", ("$n", name), ("$v", version))!;

    private long? AliasTarget(SqliteTransaction tx, string name, string alias) =>
        Scalar(tx, "SELECT version FROM registered_model_aliases WHERE name = $n AND alias = $a", ("$n", name), ("$a", alias)) as long?;

    private List<string> AliasesOf(SqliteTransaction tx, string name, long version) =>
        Rows(tx, "SELECT alias FROM registered_model_aliases WHERE name = $n AND version = $v", r => r.GetString(0), ("$n", name), ("$v", version));

    private List<long> VersionsIn(SqliteTransaction tx, string name, string stage) =>
        Rows(tx, "SELECT version FROM model_versions WHERE name = $n AND current_stage = $s", r => r.GetInt64(0), ("$n", name), ("$s", stage));

    /// <summary>Every version's stage (deleted ones included) and the validation status of those that have one.</summary>
    private (Dictionary<long, string> Stages, Dictionary<long, string> Statuses) VersionStates(SqliteTransaction tx, string name) =>
        (Rows(tx, "SELECT version, current_stage FROM model_versions WHERE name = $n", r => (r.GetInt64(0), r.GetString(1)), ("$n", name)).ToDictionary(),
         Rows(tx, "SELECT version, value FROM model_version_tags WHERE name = $n AND key = $k", r => (r.GetInt64(0), r.GetString(1)), ("$n", name), ("$k", PromotionGuard.ValidationStatusTag)).ToDictionary());
}
