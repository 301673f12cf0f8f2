using Keel.Core.Errors;

namespace Keel.Storage.Sql.Search;

// Interim: default ordering only, until the registry filter grammar lands.
internal static class RegistrySearchSql
{
    public static SqlCommandText BuildModelSearch(string? filter, IReadOnlyList<string>? orderBy, int limit, long offset, SqlDialect dialect)
    {
        Refuse(filter, orderBy);
        return new SqlCommandText("SELECT name FROM registered_models ORDER BY name LIMIT @limit OFFSET @offset", [new("@limit", limit), new("@offset", offset)]);
    }

    public static SqlCommandText BuildVersionSearch(string? filter, IReadOnlyList<string>? orderBy, int limit, long offset, SqlDialect dialect)
    {
        Refuse(filter, orderBy);
        return new SqlCommandText(
            "SELECT name, version FROM model_versions WHERE current_stage <> 'Deleted_Internal' ORDER BY name, version DESC LIMIT @limit OFFSET @offset",
            [new("@limit", limit), new("@offset", offset)]);
    }

    private static void Refuse(string? filter, IReadOnlyList<string>? orderBy)
    {
        if (!string.IsNullOrWhiteSpace(filter) || orderBy is { Count: > 0 })
        {
            throw KeelException.InvalidParameter("Registry search filters are not available in this build.");
        }
    }
}
