using Keel.Core.Models;

namespace Keel.Core.Tests.Models;

public sealed class ScalarValueTests
{
    [Fact]
    public void Kinds_HoldTheirValuesOnly()
    {
        ScalarValue text = "binary";
        ScalarValue number = 0.25;
        ScalarValue flag = true;

        Assert.Equal("binary", text.AsString);
        Assert.Equal(0.25, number.AsNumber);
        Assert.True(flag.AsBoolean);
        Assert.Throws<InvalidOperationException>(() => text.AsNumber);
        Assert.Throws<InvalidOperationException>(() => number.AsBoolean);
        Assert.Throws<InvalidOperationException>(() => flag.AsString);
    }

    [Fact]
    public void ToString_IsInvariant()
    {
        Assert.Equal("0.1", ScalarValue.FromNumber(0.1).ToString());
        Assert.Equal("false", ScalarValue.FromBoolean(false).ToString());
        Assert.Equal("x", ScalarValue.FromString("x").ToString());
    }

    [Fact]
    public void Equality_ComparesKindAndValue()
    {
        Assert.Equal(ScalarValue.FromString("1"), ScalarValue.FromString("1"));
        Assert.NotEqual(ScalarValue.FromString("1"), ScalarValue.FromNumber(1));
        Assert.NotEqual(ScalarValue.FromBoolean(false), ScalarValue.FromNumber(0));
    }

    [Theory]
    [InlineData("double", ColumnType.Double)]
    [InlineData("float", ColumnType.Float)]
    [InlineData("long", ColumnType.Long)]
    [InlineData("integer", ColumnType.Integer)]
    [InlineData("boolean", ColumnType.Boolean)]
    [InlineData("string", ColumnType.String)]
    [InlineData("datetime", ColumnType.DateTime)]
    [InlineData("binary", ColumnType.Binary)]
    public void ColumnTypes_RoundTripTheFixedSet(string name, ColumnType type)
    {
        Assert.True(ColumnTypes.TryParse(name, out var parsed));
        Assert.Equal(type, parsed);
        Assert.Equal(name, type.ToName());
    }

    [Theory]
    [InlineData("Double")]
    [InlineData("System.Double")]
    [InlineData("date_time")]
    [InlineData("0")]
    [InlineData(null)]
    public void ColumnTypes_RefuseAnythingElse(string? name) =>
        Assert.False(ColumnTypes.TryParse(name, out _));
}
