namespace Keel.Storage.Sql.Search;

/// <summary>The SQL dialects Keel's relational store speaks.</summary>
public enum SqlDialect
{
    Sqlite,
    PostgreSql,
}

/// <summary>Parameterised SQL text.</summary>
public sealed record SqlCommandText(string Sql, IReadOnlyList<KeyValuePair<string, object?>> Parameters);
