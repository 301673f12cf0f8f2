using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Keel.Core.Errors;
using NpgsqlTypes;

namespace Keel.Storage.Postgres.Transfer;

/// <summary>The PostgreSQL types a moved column can have; anything else is refused before a row is copied.</summary>
internal enum TransferKind
{
    SmallInt,
    Integer,
    BigInt,
    Real,
    Double,
    Boolean,
    Text,
    Bytea,
    Json,
    Jsonb,
}

/// <summary>
/// One column of a moved table: how a SQLite value becomes the PostgreSQL value COPY writes, and the
/// canonical bytes both sides hash, so the source rows and the rows read back can be compared.
/// </summary>
internal sealed record TransferColumn(string Name, TransferKind Kind, bool Identity)
{
    /// <summary>For a column only PostgreSQL has: the source column its value is computed from.</summary>
    public string? DerivedFrom { get; init; }

    /// <summary>For a column only PostgreSQL has: how its value is computed from <see cref="DerivedFrom"/>'s converted value.</summary>
    public Func<object?, object?>? Derive { get; init; }

    /// <summary>The kind for an <c>information_schema.columns.data_type</c>, or null when Keel cannot move it.</summary>
    public static TransferKind? KindOf(string dataType) => dataType switch
    {
        "smallint" => TransferKind.SmallInt,
        "integer" => TransferKind.Integer,
        "bigint" => TransferKind.BigInt,
        "real" => TransferKind.Real,
        "double precision" => TransferKind.Double,
        "boolean" => TransferKind.Boolean,
        "text" or "character varying" => TransferKind.Text,
        "bytea" => TransferKind.Bytea,
        "json" => TransferKind.Json,
        "jsonb" => TransferKind.Jsonb,
        _ => null,
    };

    /// <summary>The Npgsql type COPY writes.</summary>
    public NpgsqlDbType DbType => Kind switch
    {
        TransferKind.SmallInt => NpgsqlDbType.Smallint,
        TransferKind.Integer => NpgsqlDbType.Integer,
        TransferKind.BigInt => NpgsqlDbType.Bigint,
        TransferKind.Real => NpgsqlDbType.Real,
        TransferKind.Double => NpgsqlDbType.Double,
        TransferKind.Boolean => NpgsqlDbType.Boolean,
        TransferKind.Text => NpgsqlDbType.Text,
        TransferKind.Bytea => NpgsqlDbType.Bytea,
        TransferKind.Json => NpgsqlDbType.Json,
        _ => NpgsqlDbType.Jsonb,
    };

    /// <summary>
    /// The value a SQLite cell (long, double, string, byte[] or null) becomes in this column, or null.
    /// A value PostgreSQL would store differently (a fraction in an integer column, 2 in a boolean,
    /// a NUL character in text) is refused, naming the table, column and value.
    /// </summary>
    public object? Convert(object? value, string table)
    {
        if (value is null or DBNull)
        {
            return null;
        }

        return Kind switch
        {
            TransferKind.SmallInt => (short)Whole(value, short.MinValue, short.MaxValue, table),
            TransferKind.Integer => (int)Whole(value, int.MinValue, int.MaxValue, table),
            TransferKind.BigInt => Whole(value, long.MinValue, long.MaxValue, table),
            TransferKind.Real => (float)Real(value, table),
            TransferKind.Double => Real(value, table),
            TransferKind.Boolean => Whole(value, 0, 1, table) == 1,
            TransferKind.Bytea => value is byte[] b ? b : Encoding.UTF8.GetBytes(Text(value, table)),
            _ => Text(value, table),
        };
    }

    /// <summary>Hashes <paramref name="value"/> (a converted source value, or a value read back from PostgreSQL) into <paramref name="hash"/>.</summary>
    public void Hash(object? value, XxHash128 hash, ArrayBufferWriter<byte> scratch)
    {
        scratch.ResetWrittenCount();
        if (value is null or DBNull)
        {
            scratch.Write([(byte)0]);
        }
        else
        {
            switch (Kind)
            {
                case TransferKind.SmallInt or TransferKind.Integer or TransferKind.BigInt:
                    Tagged(scratch, 1, System.Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    break;
                case TransferKind.Real:
                    Tagged(scratch, 2, BitConverter.SingleToInt32Bits(System.Convert.ToSingle(value, CultureInfo.InvariantCulture)));
                    break;
                case TransferKind.Double:
                    Tagged(scratch, 3, BitConverter.DoubleToInt64Bits(System.Convert.ToDouble(value, CultureInfo.InvariantCulture)));
                    break;
                case TransferKind.Boolean:
                    Tagged(scratch, 4, (bool)value ? 1 : 0);
                    break;
                case TransferKind.Bytea:
                    Bytes(scratch, 5, (byte[])value);
                    break;
                case TransferKind.Jsonb:
                    Bytes(scratch, 6, CanonicalJson((string)value));
                    break;
                default:
                    Bytes(scratch, 7, Encoding.UTF8.GetBytes((string)value));
                    break;
            }
        }

        hash.Append(scratch.WrittenSpan);
    }

    private long Whole(object value, long min, long max, string table)
    {
        long whole = value switch
        {
            long l => l,
            double d when d == Math.Floor(d) && d >= long.MinValue && d < 9.2233720368547758E18 => (long)d,
            _ => throw Refuse(value, table, "a whole number"),
        };
        return whole >= min && whole <= max ? whole : throw Refuse(value, table, $"a whole number in [{min}, {max}]");
    }

    private double Real(object value, string table) => value switch
    {
        double d => d,
        long l => l,
        _ => throw Refuse(value, table, "a number"),
    };

    private string Text(object value, string table)
    {
        var text = value switch
        {
            string s => s,
            long l => l.ToString(CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            byte[] b => Utf8(b) ?? throw Refuse(value, table, "UTF-8 text"),
            _ => throw Refuse(value, table, "text"),
        };
        return text.Contains('\0', StringComparison.Ordinal) ? throw Refuse(value, table, "text without NUL characters (PostgreSQL text cannot hold them)") : text;
    }

    private static string? Utf8(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private KeelException Refuse(object value, string table, string expected)
    {
        var shown = value is byte[] b ? $"a {b.Length}-byte blob" : System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        if (shown.Length > 80)
        {
            shown = shown[..80] + "...";
        }

        return new KeelException(ErrorCode.InvalidState, $"{table}.{Name} holds '{shown}', which PostgreSQL's {Kind.ToString().ToLowerInvariant()} column cannot store as it is (expected {expected}). Nothing was moved.");
    }

    private static void Tagged(ArrayBufferWriter<byte> scratch, byte tag, long value)
    {
        var span = scratch.GetSpan(9);
        span[0] = tag;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], value);
        scratch.Advance(9);
    }

    private static void Bytes(ArrayBufferWriter<byte> scratch, byte tag, ReadOnlySpan<byte> bytes)
    {
        var span = scratch.GetSpan(5);
        span[0] = tag;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], bytes.Length);
        scratch.Advance(5);
        scratch.Write(bytes);
    }

    /// <summary>
    /// jsonb stores a document, not its text (key order, spacing and number spelling change), so it is
    /// compared by meaning: keys sorted, the last of duplicate keys kept (as jsonb does), numbers as decimals.
    /// </summary>
    private static byte[] CanonicalJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(document.RootElement, writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(JsonElement element, Utf8JsonWriter writer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                var last = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    last[property.Name] = property.Value;
                }

                foreach (var (name, value) in last.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    Write(value, writer);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(item, writer);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                if (decimal.TryParse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    writer.WriteNumberValue(number / 1.000000000000000000000000000000000m);
                }
                else
                {
                    writer.WriteNumberValue(element.GetDouble());
                }

                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
