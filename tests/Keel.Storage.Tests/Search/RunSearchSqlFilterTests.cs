using Keel.Core.Errors;
using Keel.Core.Tracking;
using Keel.Storage.Sql.Search;

namespace Keel.Storage.Tests.Search;

public class RunSearchSqlFilterTests(RunSearchFixture runs) : IClassFixture<RunSearchFixture>
{
    private static string Id(int n) => n.ToString("00", System.Globalization.CultureInfo.InvariantCulture) + new string('a', 30);

    [Theory]
    [InlineData(ViewType.ActiveOnly, "r3 r2 r1 r5 r7")]
    [InlineData(ViewType.DeletedOnly, "r4")]
    [InlineData(ViewType.All, "r3 r4 r2 r1 r5 r7")]
    public void NoFilter_DefaultOrderIsStartTimeDescThenRunId(ViewType view, string expected) =>
        Assert.Equal(expected, string.Join(' ', runs.Search(null, viewType: view)));

    [Fact]
    public void SeveralExperiments_AreSearchedTogether() =>
        Assert.Equal("r6 r3 r2 r1 r5 r7", string.Join(' ', runs.Search(null, experiments: [1, 2])));

    [Fact]
    public void NoExperiments_FindNothing() => Assert.Empty(runs.Search(null, experiments: []));

    [Theory]
    [InlineData("metrics.acc > 0.8", "r1")]
    [InlineData("metrics.acc >= 0.7", "r3 r1")]
    [InlineData("metrics.acc < 0.8", "r3 r5")]
    [InlineData("metrics.acc <= 0.7", "r3 r5")]
    [InlineData("metrics.acc = 0.9", "r1")]
    [InlineData("metrics.acc != 0.9", "r3 r2 r5")]
    [InlineData("metrics.loss > 0", "r2 r1 r5")]
    [InlineData("metrics.loss >= 1e308", "r5")]
    [InlineData("metrics.acc > -2", "r3 r1 r5")]
    [InlineData("metric.acc > 0.5 AND metrics.loss < 1", "r1")]
    [InlineData("metrics.missing > 0", "")]
    public void MetricComparisons(string filter, string expected) =>
        Assert.Equal(expected, string.Join(' ', runs.Search(filter)));

    [Theory]
    [InlineData("metrics.acc = 0")]
    [InlineData("metrics.acc <= 0")]
    [InlineData("metrics.acc >= 0 AND metrics.acc <= 0")]
    public void NaNStoredAsZero_DoesNotMatchZero(string filter) =>
        Assert.DoesNotContain("r2", runs.Search(filter));

    [Theory]
    [InlineData("params.lr = '0.1'", "r3 r1")]
    [InlineData("params.lr != '0.1'", "r2")]
    [InlineData("params.model LIKE 'CNN'", "r1")]
    [InlineData("params.model LIKE 'c%'", "r2")]
    [InlineData("params.model LIKE '_NN'", "r1")]
    [InlineData("params.model ILIKE 'cnn'", "r2 r1")]
    [InlineData("params.model ILIKE '%N'", "r2 r1")]
    [InlineData("params.model LIKE 'rnn%'", "r5")]
    [InlineData("params.model = 'rnn%'", "r5")]
    [InlineData("params.lr = ''' OR 1=1 --'", "")]
    [InlineData("params.lr = '0.1' AND params.model = 'CNN'", "r1")]
    public void ParamComparisons(string filter, string expected) =>
        Assert.Equal(expected, string.Join(' ', runs.Search(filter)));

    [Theory]
    [InlineData("tags.team = 'core'", "r1")]
    [InlineData("tags.team != 'core'", "r2 r5")]
    [InlineData("tags.team LIKE 'C%'", "r2")]
    [InlineData("tags.team ILIKE 'CORE'", "r2 r1")]
    [InlineData("tags.note LIKE '%ell%'", "r1")]
    [InlineData("tags.note LIKE '%ELL%'", "")]
    public void TagComparisons(string filter, string expected) =>
        Assert.Equal(expected, string.Join(' ', runs.Search(filter)));

    [Theory]
    [InlineData("attributes.status = 'FINISHED'", "r1 r5")]
    [InlineData("status != 'FINISHED'", "r3 r2 r7")]
    [InlineData("attributes.status LIKE 'F%'", "r3 r1 r5")]
    [InlineData("attributes.status ILIKE 'f%'", "r3 r1 r5")]
    [InlineData("attributes.user_id = 'alice'", "r3 r1")]
    [InlineData("attributes.artifact_uri LIKE 's3://%'", "r3 r1")]
    [InlineData("attributes.run_name = 'alpha'", "r1")]
    [InlineData("attributes.`Run name` ILIKE 'GAMMA'", "r3")]
    [InlineData("attributes.run_name LIKE 'ep*si?lon'", "r5")]
    [InlineData("attributes.run_name LIKE 'ep_si_lon'", "r5")]
    [InlineData("attributes.run_name LIKE 'e*'", "")]
    [InlineData("attributes.run_name LIKE '[a-z]%'", "")]
    [InlineData("attributes.start_time > 1000", "r3 r2")]
    [InlineData("attributes.created >= 1000", "r3 r2 r1")]
    [InlineData("attributes.start_time = 500", "r5")]
    [InlineData("attributes.start_time < 500.5", "r5 r7")]
    [InlineData("attributes.end_time < 3000", "r1 r5")]
    [InlineData("attributes.end_time != 2000", "r3 r5")]
    public void AttributeComparisons(string filter, string expected) =>
        Assert.Equal(expected, string.Join(' ', runs.Search(filter)));

    [Fact]
    public void RunIdIn_AndNotIn()
    {
        Assert.Equal(["r3", "r1"], runs.Search($"attributes.run_id IN ('{Id(1)}', '{Id(3)}')"));
        Assert.Equal(["r2", "r5", "r7"], runs.Search($"run_id NOT IN ('{Id(1)}', '{Id(3)}')"));
        Assert.Equal(["r2"], runs.Search($"attributes.run_id = '{Id(2)}'"));
    }

    [Theory]
    [InlineData("datasets.name = 'train'", "r3 r1")]
    [InlineData("datasets.name = 'eval'", "r3 r2")]
    [InlineData("datasets.name != 'train'", "r3 r2")]
    [InlineData("datasets.name LIKE 'tr%'", "r3 r1")]
    [InlineData("datasets.name ILIKE 'EVAL'", "r3 r2")]
    [InlineData("datasets.digest IN ('d2')", "r3 r2")]
    [InlineData("datasets.name NOT IN ('train')", "r3 r2")]
    [InlineData("datasets.context = 'training'", "r3 r1")]
    [InlineData("datasets.context LIKE 'eval%'", "r3 r2")]
    [InlineData("datasets.context IN ('training', 'evaluation')", "r3 r2 r1")]
    [InlineData("datasets.name = 'train' AND datasets.name = 'eval'", "r3")]
    public void DatasetComparisons(string filter, string expected) =>
        Assert.Equal(expected, string.Join(' ', runs.Search(filter)));

    [Fact]
    public void BadFilter_IsInvalidParameterValue()
    {
        var e = Assert.Throws<KeelException>(() => runs.Search("metrics.acc > 1 OR metrics.acc < 0"));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("'OR'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadOrderBy_IsInvalidParameterValue()
    {
        var e = Assert.Throws<KeelException>(() => runs.Search(null, ["metrics.acc SIDEWAYS"]));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("'SIDEWAYS'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.PostgreSql)]
    public void Values_AreParameters_NeverSqlText(SqlDialect dialect)
    {
        var text = RunSearchSql.Build(
            [42], "params.p = 'zz''secret' AND tags.t LIKE 'pat%' AND metrics.m > 12345.5 AND run_id IN ('idvalue')",
            ViewType.ActiveOnly, ["metrics.sortkey DESC"], 77, 99, dialect);
        foreach (var fragment in new[] { "secret", "pat", "12345", "idvalue", "sortkey", "42", "77", "99", "active" })
        {
            Assert.DoesNotContain(fragment, text.Sql, StringComparison.Ordinal);
        }

        var values = text.Parameters.Select(p => p.Value).ToList();
        Assert.Contains("zz'secret", values);
        Assert.Contains(12345.5, values);
        Assert.Contains("idvalue", values);
        Assert.Contains("sortkey", values);
    }
}
