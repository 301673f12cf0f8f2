using System.Buffers;
using System.IO.Hashing;
using Keel.Core.Errors;
using Keel.Storage.Postgres.Transfer;

namespace Keel.Storage.Tests.Postgres;

/// <summary>How a SQLite cell becomes a PostgreSQL value in <c>keel admin migrate-store</c>, and how both are hashed.</summary>
public sealed class TransferColumnTests
{
    [Theory]
    [InlineData(nameof(TransferKind.BigInt), 42L, 42L)]
    [InlineData(nameof(TransferKind.BigInt), 7.0, 7L)]
    [InlineData(nameof(TransferKind.Integer), 5L, 5)]
    [InlineData(nameof(TransferKind.Double), 3L, 3.0)]
    [InlineData(nameof(TransferKind.Double), 0.25, 0.25)]
    [InlineData(nameof(TransferKind.Boolean), 1L, true)]
    [InlineData(nameof(TransferKind.Boolean), 0L, false)]
    [InlineData(nameof(TransferKind.Text), "héllo", "héllo")]
    [InlineData(nameof(TransferKind.Text), 12L, "12")]
    public void SqliteValues_BecomeThePostgresValueOfTheColumnsType(string kind, object sqlite, object expected)
    {
        Assert.Equal(expected, new TransferColumn("c", Enum.Parse<TransferKind>(kind), false).Convert(sqlite, "t"));
    }

    [Fact]
    public void Null_StaysNull() => Assert.Null(new TransferColumn("c", TransferKind.BigInt, false).Convert(DBNull.Value, "t"));

    [Theory]
    [InlineData(nameof(TransferKind.Boolean), 2L, "expected a whole number in [0, 1]")]
    [InlineData(nameof(TransferKind.BigInt), 1.5, "expected a whole number")]
    [InlineData(nameof(TransferKind.Integer), 3_000_000_000L, "expected a whole number in [-2147483648, 2147483647]")]
    [InlineData(nameof(TransferKind.Double), "x", "expected a number")]
    [InlineData(nameof(TransferKind.Text), "a\0b", "without NUL characters")]
    public void ValuesPostgresWouldStoreDifferently_AreRefused_NamingTableColumnAndValue(string kind, object sqlite, string expected)
    {
        var e = Assert.Throws<KeelException>(() => new TransferColumn("col", Enum.Parse<TransferKind>(kind), false).Convert(sqlite, "tbl"));

        Assert.Equal(ErrorCode.InvalidState, e.Code);
        Assert.StartsWith("tbl.col holds '", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was moved.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8BlobInATextColumn_IsRefused()
    {
        var e = Assert.Throws<KeelException>(() => new TransferColumn("c", TransferKind.Text, false).Convert(new byte[] { 0xC3, 0x28 }, "t"));
        Assert.Contains("a 2-byte blob", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jsonb_IsComparedByMeaning_NotSpelling()
    {
        var column = new TransferColumn("c", TransferKind.Jsonb, false);

        // jsonb reorders keys, drops spacing, keeps the last duplicate and respells numbers.
        Assert.Equal(Hash(column, """{"b": 1, "a": [1.0, 2e0], "b": 3}"""), Hash(column, """{"a":[1,2],"b":3}"""));
        Assert.NotEqual(Hash(column, """{"a":[1,2],"b":3}"""), Hash(column, """{"a":[2,1],"b":3}"""));
        Assert.NotEqual(Hash(column, """{"a":"1"}"""), Hash(column, """{"a":1}"""));
    }

    [Fact]
    public void Text_IsComparedByItsExactCharacters()
    {
        var column = new TransferColumn("c", TransferKind.Text, false);

        Assert.NotEqual(Hash(column, """{"a":1}"""), Hash(column, """{"a": 1}"""));
        Assert.NotEqual(Hash(column, "x"), Hash(column, null));
        Assert.NotEqual(Hash(column, ""), Hash(column, null));
    }

    [Fact]
    public void IntegerWidths_HashAlike_SoAValueReadBackAsAnotherClrTypeCompares()
    {
        var column = new TransferColumn("c", TransferKind.Integer, false);

        Assert.Equal(Hash(column, 5), Hash(column, 5L));
    }

    private static UInt128 Hash(TransferColumn column, object? value)
    {
        var hash = new XxHash128();
        column.Hash(value, hash, new ArrayBufferWriter<byte>());
        return hash.GetCurrentHashAsUInt128();
    }
}
