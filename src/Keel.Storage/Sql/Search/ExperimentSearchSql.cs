using Keel.Core.Errors;
using Keel.Core.Tracking;

namespace Keel.Storage.Sql.Search;

// Interim: default ordering and view type only, until the filter grammar lands.
internal static class ExperimentSearchSql
{
    public static SqlCommandText Build(string? filter, ViewType viewType, IReadOnlyList<string>? orderBy, int limit, long offset, SqlDialect dialect)
    {
        if (!string.IsNullOrWhiteSpace(filter) || orderBy is { Count: > 0 })
        {
            throw KeelException.InvalidParameter("Search filters are not available in this build.");
        }

        var stage = viewType switch { ViewType.ActiveOnly => " WHERE lifecycle_stage = 'active'", ViewType.DeletedOnly => " WHERE lifecycle_stage = 'deleted'", _ => string.Empty };
        return new SqlCommandText($"SELECT experiment_id FROM experiments{stage} ORDER BY last_update_time DESC, experiment_id LIMIT {limit} OFFSET {offset}", []);
    }
}
