namespace Keel.Storage.Sql.Search;

/// <summary>The SQL flavour a search statement is written in.</summary>
public enum SqlDialect
{
    Sqlite,
    PostgreSql,
}
