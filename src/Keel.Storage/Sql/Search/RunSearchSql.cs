using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Storage.Sql.Search;

// Interim: default ordering and view type only, until the filter grammar lands.
internal static class RunSearchSql
{
    public static SqlCommandText Build(IReadOnlyList<long> experimentIds, string? filter, ViewType viewType, IReadOnlyList<string>? orderBy, int limit, long offset, SqlDialect dialect)
    {
        if (!string.IsNullOrWhiteSpace(filter) || orderBy is { Count: > 0 })
        {
            throw KeelException.InvalidParameter("Search filters are not available in this build.");
        }

        var stage = viewType switch { ViewType.ActiveOnly => " AND r.lifecycle_stage = 'active'", ViewType.DeletedOnly => " AND r.lifecycle_stage = 'deleted'", _ => string.Empty };
        return new SqlCommandText(
            $"SELECT r.run_key FROM runs r WHERE r.experiment_id IN ({string.Join(',', experimentIds.DefaultIfEmpty(-1))}){stage} ORDER BY r.start_time DESC, r.run_uuid LIMIT {limit} OFFSET {offset}",
            []);
    }
}
