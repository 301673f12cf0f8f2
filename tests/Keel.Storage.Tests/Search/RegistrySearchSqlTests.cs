using Keel.Core.Errors;
using Keel.Storage.Sql.Search;

namespace Keel.Storage.Tests.Search;

/// <summary>RegistrySearchSql against a real SQLite database built by the migrations.</summary>
public sealed class RegistrySearchSqlTests : IDisposable
{
    private readonly SearchDatabase _db = new();

    public RegistrySearchSqlTests()
    {
        // name, creation_time, last_updated_time
        _db.Execute(
            "INSERT INTO registered_models (name, creation_time, last_updated_time) VALUES " +
            "('alpha', 1, 30), ('Beta', 2, 10), ('beta-2', 3, 20), ('gamma', 4, 20), ('de%lta', 5, 40)");
        _db.Execute(
            "INSERT INTO registered_model_tags VALUES " +
            "('alpha', 'team', 'risk'), ('Beta', 'team', 'Risk'), ('beta-2', 'team', 'growth'), ('gamma', 'owner', 'risk')");

        // alpha v1..v3 (v2 soft-deleted), Beta v1..v2, gamma v1; creation = version order, updates vary.
        _db.Execute(
            "INSERT INTO model_versions (name, version, creation_time, last_updated_time, user_id, current_stage, source, run_id) VALUES " +
            "('alpha', 1, 100, 500, 'u', 'None', 'mlflow-artifacts:/a/1', 'run1'), " +
            "('alpha', 2, 200, 900, 'u', 'Deleted_Internal', 'REDACTED-SOURCE-PATH', 'run2'), " +
            "('alpha', 3, 300, 300, 'u', 'Production', 'mlflow-artifacts:/a/3', 'run3'), " +
            "('Beta', 1, 150, 700, 'u', 'None', 'mlflow-artifacts:/B/1', 'run1'), " +
            "('Beta', 2, 250, 300, 'u', 'Staging', 'mlflow-artifacts:/B/2', NULL), " +
            "('gamma', 1, 120, 600, 'u', 'None', 's3://bucket/g/1', 'RUN4')");
        _db.Execute(
            "INSERT INTO model_version_tags VALUES " +
            "('alpha', 1, 'k', 'v'), ('alpha', 2, 'k', 'v'), ('alpha', 3, 'k', 'w'), ('Beta', 1, 'k', 'V'), ('gamma', 1, 'other', 'v')");
    }

    public void Dispose() => _db.Dispose();

    [Theory]
    [InlineData(null, "Beta alpha beta-2 de%lta gamma")]
    [InlineData("name = 'alpha'", "alpha")]
    [InlineData("name = 'ALPHA'", "")]
    [InlineData("name != 'alpha'", "Beta beta-2 de%lta gamma")]
    [InlineData("name LIKE 'b%'", "beta-2")]
    [InlineData("name LIKE '%eta%'", "Beta beta-2")]
    [InlineData("name LIKE 'beta_2'", "beta-2")]
    [InlineData("name LIKE '%[%'", "")]
    [InlineData("name LIKE 'de%%'", "de%lta")]
    [InlineData("name ILIKE 'B%'", "Beta beta-2")]
    [InlineData("name ILIKE '%A'", "Beta alpha de%lta gamma")]
    [InlineData("tags.team = 'risk'", "alpha")]
    [InlineData("tags.team != 'risk'", "Beta beta-2")]
    [InlineData("tags.team LIKE 'R%'", "Beta")]
    [InlineData("tag.team ILIKE 'R%'", "Beta alpha")]
    [InlineData("tags.missing = 'x'", "")]
    [InlineData("name ILIKE 'b%' AND tags.team ILIKE 'risk'", "Beta")]
    [InlineData("tags.team ILIKE '%' AND tags.team != 'growth'", "Beta alpha")]
    public void Models_Filter(string? filter, string expected) =>
        Assert.Equal(expected, Models(filter, null));

    [Theory]
    [InlineData("name", "Beta alpha beta-2 de%lta gamma")]
    [InlineData("name DESC", "gamma de%lta beta-2 alpha Beta")]
    [InlineData("timestamp", "Beta beta-2 gamma alpha de%lta")]
    [InlineData("timestamp DESC", "de%lta alpha beta-2 gamma Beta")]
    [InlineData("last_updated_timestamp DESC", "de%lta alpha beta-2 gamma Beta")]
    public void Models_OrderBy_TiesBreakOnNameAscending(string orderBy, string expected) =>
        Assert.Equal(expected, Models(null, [orderBy]));

    [Fact]
    public void Models_OrderBy_NameThenTimestamp_KeepsGivenOrder() =>
        Assert.Equal("Beta alpha beta-2 de%lta gamma", Models(null, ["name ASC", "timestamp DESC"]));

    [Theory]
    [InlineData(0, 2, "Beta alpha")]
    [InlineData(2, 2, "beta-2 de%lta")]
    [InlineData(4, 2, "gamma")]
    [InlineData(5, 2, "")]
    public void Models_Paging(long offset, int limit, string expected) =>
        Assert.Equal(expected, Models(null, null, limit, offset));

    [Theory]
    [InlineData(null, "Beta/1 gamma/1 alpha/1 Beta/2 alpha/3")]
    [InlineData("name = 'alpha'", "alpha/1 alpha/3")]
    [InlineData("name != 'alpha'", "Beta/1 gamma/1 Beta/2")]
    [InlineData("name LIKE 'b%'", "")]
    [InlineData("name ILIKE 'b%'", "Beta/1 Beta/2")]
    [InlineData("run_id = 'run1'", "Beta/1 alpha/1")]
    [InlineData("run_id != 'run1'", "gamma/1 alpha/3")]
    [InlineData("run_id IN ('run1', 'run3', 'run2')", "Beta/1 alpha/1 alpha/3")]
    [InlineData("run_id LIKE 'run%'", "Beta/1 alpha/1 alpha/3")]
    [InlineData("run_id ILIKE 'run%'", "Beta/1 gamma/1 alpha/1 alpha/3")]
    [InlineData("source_path = 's3://bucket/g/1'", "gamma/1")]
    [InlineData("source_path LIKE 'mlflow-artifacts:/B/%'", "Beta/1 Beta/2")]
    [InlineData("source_path ILIKE 'MLFLOW-ARTIFACTS:/b/%'", "Beta/1 Beta/2")]
    [InlineData("source_path LIKE 'REDACTED%'", "")]
    [InlineData("version_number = 1", "Beta/1 gamma/1 alpha/1")]
    [InlineData("version_number != 1", "Beta/2 alpha/3")]
    [InlineData("version_number > 1", "Beta/2 alpha/3")]
    [InlineData("version_number >= 2", "Beta/2 alpha/3")]
    [InlineData("version_number < 2", "Beta/1 gamma/1 alpha/1")]
    [InlineData("version_number <= 2.5", "Beta/1 gamma/1 alpha/1 Beta/2")]
    [InlineData("tags.k = 'v'", "alpha/1")]
    [InlineData("tags.k != 'v'", "Beta/1 alpha/3")]
    [InlineData("tags.k LIKE 'V'", "Beta/1")]
    [InlineData("tags.k ILIKE 'v'", "Beta/1 alpha/1")]
    [InlineData("name = 'alpha' AND tags.k = 'w'", "alpha/3")]
    [InlineData("name = 'alpha' AND version_number = 2", "")]
    public void Versions_Filter_HidesSoftDeleted(string? filter, string expected) =>
        Assert.Equal(expected, Versions(filter, null));

    [Theory]
    [InlineData("name", "Beta/2 Beta/1 alpha/3 alpha/1 gamma/1")]
    [InlineData("name DESC", "gamma/1 alpha/3 alpha/1 Beta/2 Beta/1")]
    [InlineData("version_number", "Beta/1 alpha/1 gamma/1 Beta/2 alpha/3")]
    [InlineData("version_number DESC", "alpha/3 Beta/2 Beta/1 alpha/1 gamma/1")]
    [InlineData("creation_timestamp", "alpha/1 gamma/1 Beta/1 Beta/2 alpha/3")]
    [InlineData("creation_timestamp DESC", "alpha/3 Beta/2 Beta/1 gamma/1 alpha/1")]
    [InlineData("last_updated_timestamp", "Beta/2 alpha/3 alpha/1 gamma/1 Beta/1")]
    [InlineData("attribute.last_updated_timestamp DESC", "Beta/1 gamma/1 alpha/1 Beta/2 alpha/3")]
    public void Versions_OrderBy_TiesBreakOnNameThenVersionDescending(string orderBy, string expected) =>
        Assert.Equal(expected, Versions(null, [orderBy]));

    [Theory]
    [InlineData(0, 2, "Beta/1 gamma/1")]
    [InlineData(2, 2, "alpha/1 Beta/2")]
    [InlineData(4, 2, "alpha/3")]
    [InlineData(5, 2, "")]
    public void Versions_Paging_InDefaultOrder(long offset, int limit, string expected) =>
        Assert.Equal(expected, Versions(null, null, limit, offset));

    [Fact]
    public void BadFilter_IsInvalidParameterValue_NamingTheToken()
    {
        var e = Assert.Throws<KeelException>(() => RegistrySearchSql.BuildModelSearch("run_id = 'x'", null, 10, 0, SqlDialect.Sqlite));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("'run_id'", e.Message, StringComparison.Ordinal);
        var order = Assert.Throws<KeelException>(() => RegistrySearchSql.BuildVersionSearch(null, ["timestamp"], 10, 0, SqlDialect.Sqlite));
        Assert.Equal(ErrorCode.InvalidParameterValue, order.Code);
    }

    [Fact]
    public void Values_AreParameters_NeverSqlText()
    {
        const string Hostile = "x'); DROP TABLE registered_models; --";
        var text = RegistrySearchSql.BuildVersionSearch($"name = \"{Hostile}\" AND tags.`k'` LIKE '{Hostile.Replace("'", "''", StringComparison.Ordinal)}'", null, 10, 0, SqlDialect.Sqlite);
        Assert.DoesNotContain("DROP", text.Sql, StringComparison.Ordinal);
        Assert.Contains(Hostile, text.Parameters.Select(p => p.Value));
        Assert.Contains("k'", text.Parameters.Select(p => p.Value));
        Assert.Equal("", Versions($"name = \"{Hostile}\"", null));
    }

    [Fact]
    public void PostgreSql_UsesNativeLikeAndIlike()
    {
        var models = RegistrySearchSql.BuildModelSearch("name LIKE 'a\\b%' AND tags.t ILIKE 'x'", ["timestamp DESC"], 10, 0, SqlDialect.PostgreSql);
        Assert.Contains("m.name LIKE @p", models.Sql, StringComparison.Ordinal);
        Assert.Contains(".value ILIKE @p", models.Sql, StringComparison.Ordinal);
        Assert.Contains("ORDER BY m.last_updated_time DESC, m.name", models.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("GLOB", models.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("LIMIT 1)", models.Sql, StringComparison.Ordinal);
        Assert.Contains("a\\\\b%", models.Parameters.Select(p => p.Value));

        var versions = RegistrySearchSql.BuildVersionSearch("run_id IN ('a', 'b') AND version_number >= 2", null, 10, 0, SqlDialect.PostgreSql);
        Assert.Contains("v.run_id IN (@p", versions.Sql, StringComparison.Ordinal);
        Assert.Contains("v.version >= @p", versions.Sql, StringComparison.Ordinal);
        Assert.Contains("ORDER BY v.last_updated_time DESC, v.name, v.version DESC", versions.Sql, StringComparison.Ordinal);
        Assert.Contains(versions.Parameters, p => p.Value is long or double && Convert.ToDouble(p.Value, System.Globalization.CultureInfo.InvariantCulture) == 2);
    }

    [Fact]
    public void Versions_DefaultOrder_WalksTheUpdateTimeIndex()
    {
        var plan = _db.QueryPlan(RegistrySearchSql.BuildVersionSearch(null, null, 10, 0, SqlDialect.Sqlite));
        Assert.Contains(plan, line => line.Contains("ix_model_versions_updated", StringComparison.Ordinal));
    }

    [Fact]
    public void Models_NamePrefix_SeeksThePrimaryKey()
    {
        var plan = _db.QueryPlan(RegistrySearchSql.BuildModelSearch("name LIKE 'be%'", null, 10, 0, SqlDialect.Sqlite));
        Assert.Contains(plan, line => line.Contains("SEARCH m USING PRIMARY KEY (name>? AND name<?)", StringComparison.Ordinal));
    }

    private string Models(string? filter, IReadOnlyList<string>? orderBy, int limit = 100, long offset = 0) =>
        string.Join(' ', Rows(RegistrySearchSql.BuildModelSearch(filter, orderBy, limit, offset, SqlDialect.Sqlite), r => r.GetString(0)));

    private string Versions(string? filter, IReadOnlyList<string>? orderBy, int limit = 100, long offset = 0) =>
        string.Join(' ', Rows(RegistrySearchSql.BuildVersionSearch(filter, orderBy, limit, offset, SqlDialect.Sqlite), r => $"{r.GetString(0)}/{r.GetInt64(1)}"));

    private List<string> Rows(SqlCommandText text, Func<Microsoft.Data.Sqlite.SqliteDataReader, string> map)
    {
        using var command = _db.Connection.CreateCommand();
        command.CommandText = text.Sql;
        foreach (var (name, value) in text.Parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
