using Keel.Core.Registry;
using Npgsql;

namespace Keel.Storage.Postgres;

// The state RegistryRules needs, read inside the write transaction.
public sealed partial class PostgresRegistryStore
{
    /// <summary>Reads of one write transaction. Each lock or read is one statement (a fresh snapshot under read committed, so it sees what committed before the lock was granted).</summary>
    private sealed partial class Session(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        /// <summary>Locks the model's row until the transaction ends and returns it; null when there is no such model.</summary>
        public async Task<RegistryModelState?> LockModelAsync(string name)
        {
            var rows = await List("SELECT description FROM registered_models WHERE name = @n FOR UPDATE", r => new RegistryModelState(r.GetNullableString(0)), c => c.Text("n", name)).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }

        /// <summary>Locks the version's model and reads the version's stage.</summary>
        public async Task<RegistryVersionState> LockVersionAsync(string name, long version)
        {
            var exists = await LockModelAsync(name).ConfigureAwait(false) is not null;
            var stage = exists
                ? await Scalar("SELECT current_stage FROM model_versions WHERE name = @n AND version = @v", r => r.GetString(0), c => c.Text("n", name).Long("v", version)).ConfigureAwait(false)
                : null;
            return new RegistryVersionState(exists, stage);
        }

        public async Task<bool> ModelExistsAsync(string name) =>
            (await List("SELECT 1 FROM registered_models WHERE name = @n", r => true, c => c.Text("n", name)).ConfigureAwait(false)).Count > 0;

        /// <summary>The artifact URI of a run (deleted or not), null when there is no such run.</summary>
        public Task<string?> RunArtifactUriAsync(string runId) =>
            Scalar("SELECT artifact_uri FROM runs WHERE run_uuid = @id", r => r.GetNullableString(0), c => c.Text("id", runId));

        public Task<long?> MaxVersionAsync(string name) =>
            Scalar("SELECT MAX(version) FROM model_versions WHERE name = @n", r => r.GetNullableInt64(0), c => c.Text("n", name));

        public Task<string?> ModelTagValueAsync(string name, string key) =>
            Scalar("SELECT value FROM registered_model_tags WHERE name = @n AND key = @k", r => r.GetString(0), c => c.Text("n", name).Text("k", key));

        public async Task<long> ModelTagCountAsync(string name) =>
            await Scalar("SELECT COUNT(*) FROM registered_model_tags WHERE name = @n", r => (long?)r.GetInt64(0), c => c.Text("n", name)).ConfigureAwait(false) ?? 0;

        public Task<string?> VersionTagValueAsync(string name, long version, string key) =>
            Scalar("SELECT value FROM model_version_tags WHERE name = @n AND version = @v AND key = @k", r => r.GetString(0), c => c.Text("n", name).Long("v", version).Text("k", key));

        public async Task<long> VersionTagCountAsync(string name, long version) =>
            await Scalar("SELECT COUNT(*) FROM model_version_tags WHERE name = @n AND version = @v", r => (long?)r.GetInt64(0), c => c.Text("n", name).Long("v", version)).ConfigureAwait(false) ?? 0;

        public Task<long?> AliasTargetAsync(string name, string alias) =>
            Scalar("SELECT version FROM registered_model_aliases WHERE name = @n AND alias = @a", r => (long?)r.GetInt64(0), c => c.Text("n", name).Text("a", alias));

        public Task<List<string>> AliasesOfAsync(string name, long version) =>
            List("SELECT alias FROM registered_model_aliases WHERE name = @n AND version = @v", r => r.GetString(0), c => c.Text("n", name).Long("v", version));

        public Task<List<long>> VersionsInAsync(string name, string stage) =>
            List("SELECT version FROM model_versions WHERE name = @n AND current_stage = @s", r => r.GetInt64(0), c => c.Text("n", name).Text("s", stage));

        /// <summary>Every version's stage (deleted ones included) and the validation status of those that have one.</summary>
        public async Task<(Dictionary<long, string> Stages, Dictionary<long, string> Statuses)> VersionStatesAsync(string name)
        {
            var stages = await List("SELECT version, current_stage FROM model_versions WHERE name = @n", r => (r.GetInt64(0), r.GetString(1)), c => c.Text("n", name)).ConfigureAwait(false);
            var statuses = await List(
                "SELECT version, value FROM model_version_tags WHERE name = @n AND key = @k",
                r => (r.GetInt64(0), r.GetString(1)),
                c => c.Text("n", name).Text("k", PromotionGuard.ValidationStatusTag)).ConfigureAwait(false);
            return (stages.ToDictionary(), statuses.ToDictionary());
        }

        /// <summary>History entries (version, kind, to_value, rollback) selected by <paramref name="where"/>, oldest first.</summary>
        public Task<List<RegistryHistoryEntry>> HistoryAsync(string where, Action<NpgsqlCommand> bind) =>
            List($"SELECT version, kind, to_value, rollback FROM registry_events WHERE {where} ORDER BY event_id", ReadEntry, bind);

        private async Task<T?> Scalar<T>(string sql, Func<NpgsqlDataReader, T> read, Action<NpgsqlCommand> bind)
        {
            var rows = await List(sql, read, bind).ConfigureAwait(false);
            return rows.Count == 0 ? default : rows[0];
        }

        private async Task<List<T>> List<T>(string sql, Func<NpgsqlDataReader, T> read, Action<NpgsqlCommand> bind)
        {
            using var cmd = new NpgsqlCommand(sql, connection, tx);
            bind(cmd);
            return await cmd.ListAsync(read, cancellationToken).ConfigureAwait(false);
        }
    }

    private static RegistryHistoryEntry ReadEntry(NpgsqlDataReader r) => new(r.GetNullableInt64(0), r.GetString(1), r.GetNullableString(2), r.GetBoolean(3));
}
