using System.Globalization;
using Keel.Core.Registry;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

// Statements that run inside the writer's transaction.
public sealed partial class SqliteRegistryStore
{
    private void Record(SqliteTransaction tx, string name, long? version, string kind, string? target, string? from, string? to, Actor actor, bool rollback = false)
    {
        // Every change records its actor: the one place the user id and comment are checked.
        RegistryValidator.Actor(actor, database.Limits);
        var cmd = database.Statement(tx, """
            INSERT INTO registry_events (name, version, kind, target, from_value, to_value, user_id, timestamp, comment, rollback)
            VALUES ($n, $v, $k, $tg, $f, $to, $u, $t, $c, $r)
            """);
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$v", version is null ? DBNull.Value : version.Value);
        cmd.Parameters.AddWithValue("$k", kind);
        cmd.Parameters.AddWithValue("$tg", (object?)target ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$f", (object?)from ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$to", (object?)to ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$u", actor.User);
        cmd.Parameters.AddWithValue("$t", Now());
        cmd.Parameters.AddWithValue("$c", (object?)actor.Comment ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$r", rollback ? 1 : 0);
        cmd.ExecuteNonQuery();
    }

    /// <summary>The artifact URI of a run (deleted or not), null when there is no such run.</summary>
    private string? RunArtifactUri(SqliteTransaction tx, string runId)
    {
        var cmd = database.Statement(tx, "SELECT artifact_uri FROM runs WHERE run_uuid = $id");
        cmd.Parameters.AddWithValue("$id", runId);
        return cmd.ExecuteScalar() as string;
    }

    private bool ModelExists(SqliteTransaction tx, string name)
    {
        var cmd = database.Statement(tx, "SELECT 1 FROM registered_models WHERE name = $n");
        cmd.Parameters.AddWithValue("$n", name);
        return cmd.ExecuteScalar() is not null;
    }

    /// <summary>Returns the model's description (may be null); RESOURCE_DOES_NOT_EXIST when absent.</summary>
    private string? RequireModel(SqliteTransaction tx, string name)
    {
        var cmd = database.Statement(tx, "SELECT description FROM registered_models WHERE name = $n");
        cmd.Parameters.AddWithValue("$n", name);
        using var reader = cmd.ExecuteReader();
        return reader.Read() ? (reader.IsDBNull(0) ? null : reader.GetString(0)) : throw ModelNotFound(name);
    }

    /// <summary>Returns the version's stage; RESOURCE_DOES_NOT_EXIST when absent or deleted.</summary>
    private string RequireLiveVersion(SqliteTransaction tx, string name, long version)
    {
        var cmd = database.Statement(tx, "SELECT current_stage FROM model_versions WHERE name = $n AND version = $v");
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$v", version);
        if (cmd.ExecuteScalar() is string stage && stage != DeletedStage)
        {
            return stage;
        }

        RequireModel(tx, name);
        throw VersionNotFound(name, version);
    }

    private void Touch(SqliteTransaction tx, string name)
    {
        var cmd = database.Statement(tx, "UPDATE registered_models SET last_updated_time = $t WHERE name = $n");
        cmd.Parameters.AddWithValue("$t", Now());
        cmd.Parameters.AddWithValue("$n", name);
        cmd.ExecuteNonQuery();
    }

    private void UpsertModelTag(SqliteTransaction tx, string name, RegisteredModelTag tag)
    {
        var cmd = database.Statement(tx, """
            INSERT INTO registered_model_tags (name, key, value) VALUES ($n, $k, $v)
            ON CONFLICT (name, key) DO UPDATE SET value = excluded.value
            """);
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$k", tag.Key);
        cmd.Parameters.AddWithValue("$v", tag.Value);
        cmd.ExecuteNonQuery();
        var count = database.Statement(tx, "SELECT COUNT(*) FROM registered_model_tags WHERE name = $n");
        count.Parameters.AddWithValue("$n", name);
        database.Limits.CheckTagCount((long)count.ExecuteScalar()!, $"registered model '{name}'");
    }

    private string? ModelTagValue(SqliteTransaction tx, string name, string key)
    {
        var cmd = database.Statement(tx, "SELECT value FROM registered_model_tags WHERE name = $n AND key = $k");
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() as string;
    }

    private void UpsertVersionTag(SqliteTransaction tx, string name, long version, ModelVersionTag tag)
    {
        var cmd = database.Statement(tx, """
            INSERT INTO model_version_tags (name, version, key, value) VALUES ($n, $v, $k, $val)
            ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value
            """);
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$v", version);
        cmd.Parameters.AddWithValue("$k", tag.Key);
        cmd.Parameters.AddWithValue("$val", tag.Value);
        cmd.ExecuteNonQuery();
        var count = database.Statement(tx, "SELECT COUNT(*) FROM model_version_tags WHERE name = $n AND version = $v");
        count.Parameters.AddWithValue("$n", name);
        count.Parameters.AddWithValue("$v", version);
        database.Limits.CheckTagCount((long)count.ExecuteScalar()!, $"model version (name={name}, version={version})");
    }

    private string? VersionTagValue(SqliteTransaction tx, string name, long version, string key)
    {
        var cmd = database.Statement(tx, "SELECT value FROM model_version_tags WHERE name = $n AND version = $v AND key = $k");
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$v", version);
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() as string;
    }

    private long? AliasTarget(SqliteTransaction tx, string name, string alias)
    {
        var cmd = database.Statement(tx, "SELECT version FROM registered_model_aliases WHERE name = $n AND alias = $a");
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$a", alias);
        return cmd.ExecuteScalar() is long v ? v : null;
    }

    private void PointAlias(SqliteTransaction tx, string name, string alias, long version, Actor actor, bool rollback)
    {
        var old = AliasTarget(tx, name, alias);
        var cmd = database.Statement(tx, """
            INSERT INTO registered_model_aliases (name, alias, version) VALUES ($n, $a, $v)
            ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version
            """);
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$a", alias);
        cmd.Parameters.AddWithValue("$v", version);
        cmd.ExecuteNonQuery();
        Touch(tx, name);
        Record(tx, name, version, RegistryEventKinds.AliasSet, alias, old?.ToString(CultureInfo.InvariantCulture), version.ToString(CultureInfo.InvariantCulture), actor, rollback);
    }

    private void RemoveAlias(SqliteTransaction tx, string name, string alias, Actor actor, bool rollback)
    {
        var old = AliasTarget(tx, name, alias);
        if (old is null)
        {
            return;
        }

        var cmd = database.Statement(tx, "DELETE FROM registered_model_aliases WHERE name = $n AND alias = $a");
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$a", alias);
        cmd.ExecuteNonQuery();
        Touch(tx, name);
        Record(tx, name, old, RegistryEventKinds.AliasDeleted, alias, old.Value.ToString(CultureInfo.InvariantCulture), null, actor, rollback);
    }

    private List<string> AliasesOf(SqliteTransaction tx, string name, long version)
    {
        var cmd = database.Statement(tx, "SELECT alias FROM registered_model_aliases WHERE name = $n AND version = $v ORDER BY alias");
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$v", version);
        var list = new List<string>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    private List<long> VersionsIn(SqliteTransaction tx, string name, string stage)
    {
        var cmd = database.Statement(tx, "SELECT version FROM model_versions WHERE name = $n AND current_stage = $s ORDER BY version");
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$s", stage);
        var list = new List<long>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            list.Add(reader.GetInt64(0));
        }

        return list;
    }

    private void MoveStage(SqliteTransaction tx, string name, long version, string stage, Actor actor, bool rollback)
    {
        var from = RequireLiveVersion(tx, name, version);
        var cmd = database.Statement(tx, "UPDATE model_versions SET current_stage = $s, last_updated_time = $t WHERE name = $n AND version = $v");
        cmd.Parameters.AddWithValue("$s", stage);
        cmd.Parameters.AddWithValue("$t", Now());
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$v", version);
        cmd.ExecuteNonQuery();
        Touch(tx, name);
        Record(tx, name, version, RegistryEventKinds.StageTransition, "stage", from, stage, actor, rollback);
    }
}
