using Keel.Core.Errors;
using Keel.Core.Tracking;
using Keel.Core.Validation;

namespace Keel.Core.Tests.Validation;

public class TrackingValidatorTests
{
    [Theory]
    [InlineData("accuracy")]
    [InlineData("train/loss")]
    [InlineData("a b-c.d_e:f")]
    public void ValidateKey_AcceptsMlflowNames(string key) => TrackingValidator.ValidateKey(key, "metric");

    [Theory]
    [InlineData("")]
    [InlineData("bad!name")]
    [InlineData("../escape")]
    [InlineData("/absolute")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData(".")]
    [InlineData("trailing/")]
    public void ValidateKey_RefusesBadNames(string key)
    {
        var e = Assert.Throws<KeelException>(() => TrackingValidator.ValidateKey(key, "metric"));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public void ValidateKey_RefusesKeysLongerThan250()
    {
        TrackingValidator.ValidateKey(new string('k', 250), "param");
        var e = Assert.Throws<KeelException>(() => TrackingValidator.ValidateKey(new string('k', 251), "param"));
        Assert.Contains("250", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateParam_RefusesValuesOver6000()
    {
        TrackingValidator.ValidateParam(new Param("p", new string('v', 6000)));
        Assert.Throws<KeelException>(() => TrackingValidator.ValidateParam(new Param("p", new string('v', 6001))));
        Assert.Equal(6000, TrackingValidator.Truncated(new Param("p", new string('v', 6001))).Value.Length);
        Assert.Equal(6001, TrackingValidator.Truncated(new Param("p", new string('v', 6001)), truncate: false).Value.Length);
    }

    [Fact]
    public void ValidateTag_RefusesValuesOver8000()
    {
        TrackingValidator.ValidateTag(new RunTag("t", new string('v', 8000)));
        Assert.Throws<KeelException>(() => TrackingValidator.ValidateTag(new RunTag("t", new string('v', 8001))));
        Assert.Equal(8000, TrackingValidator.Truncated(new RunTag("t", new string('v', 8001))).Value.Length);
    }

    [Fact]
    public void ValidateBatch_ReportsEveryProblemAtOnce()
    {
        var metrics = new[] { new Metric("ok", 1, 0, 0), new Metric("bad!", 1, 0, 0) };
        var @params = new[] { new Param("p", new string('v', 6001)) };
        var e = Assert.Throws<KeelException>(() => TrackingValidator.ValidateBatch(metrics, @params, []));
        Assert.Contains("(1)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateBatch_KeyCheckedOnce_StillReportsABadTimestampOfALaterMetricWithThatKey()
    {
        var metrics = new[] { new Metric("loss", 1, 0, 0), new Metric("loss", 1, 5, 1), new Metric("loss", 1, -1, 2), new Metric("bad!", 1, 0, 0), new Metric("bad!", 1, 0, 1) };
        var e = Assert.Throws<KeelException>(() => TrackingValidator.ValidateBatch(metrics, [], []));
        Assert.Contains("(1) Got invalid timestamp -1 for metric 'loss'", e.Message, StringComparison.Ordinal);
        Assert.Contains("(3)", e.Message, StringComparison.Ordinal); // each metric with the bad key is reported, as before
        Assert.DoesNotContain("(4)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateBatch_RefusesMoreThan1000Metrics()
    {
        var metrics = Enumerable.Range(0, 1001).Select(i => new Metric("m", i, 0, i)).ToArray();
        var e = Assert.Throws<KeelException>(() => TrackingValidator.ValidateBatch(metrics, [], []));
        Assert.Contains("1000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateBatch_RefusesMoreThan100ParamsOrTags()
    {
        var @params = Enumerable.Range(0, 101).Select(i => new Param("p" + i, "v")).ToArray();
        Assert.Throws<KeelException>(() => TrackingValidator.ValidateBatch([], @params, []));
        var tags = Enumerable.Range(0, 101).Select(i => new RunTag("t" + i, "v")).ToArray();
        Assert.Throws<KeelException>(() => TrackingValidator.ValidateBatch([], [], tags));
    }

    [Fact]
    public void ValidateBatch_RefusesConflictingDuplicateParams() =>
        Assert.Throws<KeelException>(() => TrackingValidator.ValidateBatch([], [new Param("p", "1"), new Param("p", "2")], []));

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF", false)]
    [InlineData("short", false)]
    [InlineData("", false)]
    public void ValidateRunId_AcceptsOnly32LowercaseHex(string id, bool ok)
    {
        if (ok)
        {
            Assert.Equal(id, TrackingValidator.ValidateRunId(id));
        }
        else
        {
            Assert.Throws<KeelException>(() => TrackingValidator.ValidateRunId(id));
        }
    }

    [Fact]
    public void Truncated_NeverSplitsASurrogatePair()
    {
        // 5,999 letters, then an emoji (two UTF-16 units) straddling the 6,000 limit.
        var value = new string('a', 5999) + "\U0001F600" + "tail";
        var cut = TrackingValidator.Truncated(new Param("p", value)).Value;

        Assert.Equal(5999, cut.Length);
        Assert.False(char.IsHighSurrogate(cut[^1]));
    }

    [Fact]
    public void Truncated_ShortValuesAndKeysUnchanged()
    {
        var param = new Param(new string('k', 300), "short");
        Assert.Same(param, TrackingValidator.Truncated(param));
    }
}
