namespace Keel.Storage.Sql.Search;

/// <summary>
/// A SQL statement and its parameters, named <c>@p0</c>, <c>@p1</c>, ... (both Microsoft.Data.Sqlite
/// and Npgsql accept <c>@name</c> placeholders). No value is ever spliced into <see cref="Sql"/>.
/// </summary>
public sealed record SqlCommandText(string Sql, IReadOnlyList<KeyValuePair<string, object?>> Parameters);
