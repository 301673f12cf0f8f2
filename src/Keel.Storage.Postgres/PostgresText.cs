using System.Text;
using System.Text.Unicode;

namespace Keel.Storage.Postgres;

/// <summary>
/// Text as PostgreSQL stores it: valid UTF-8 without NUL characters (a <c>text</c> value refuses
/// both, and one refused value fails a whole <c>COPY</c>). SQLite stores such bytes and hands them
/// back repaired (U+FFFD for invalid UTF-8, as <see cref="Encoding.UTF8"/> decodes), so repairing them
/// on the way in gives readers of both backends the same text. Text Keel itself produces (request ids
/// without control characters, JSON from <c>Utf8JsonWriter</c> and checked request bodies) never
/// needs it: the checks are vectorised scans that find nothing.
/// </summary>
internal static class PostgresText
{
    private const char Replacement = '\uFFFD';

    /// <summary>Whether <paramref name="utf8"/> can be stored as it is.</summary>
    public static bool IsStorable(ReadOnlySpan<byte> utf8) => !utf8.Contains((byte)0) && Utf8.IsValid(utf8);

    /// <summary>
    /// <paramref name="utf8"/> decoded with invalid sequences as U+FFFD (as SQLite's readers see them)
    /// and NUL as U+FFFD (SQLite keeps it; PostgreSQL cannot).
    /// </summary>
    public static string Repaired(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8).Replace('\0', Replacement);

    /// <summary><paramref name="text"/> itself, or with lone surrogates and NUL replaced by U+FFFD (what SQLite's UTF-8 encoding stores for a lone surrogate).</summary>
    public static string Storable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan();
        if (!span.Contains('\0') && !span.ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return text;
        }

        return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)).Replace('\0', Replacement);
    }

    /// <summary><see cref="Storable(string)"/> for a nullable value.</summary>
    public static string? StorableOrNull(string? text) => text is null ? null : Storable(text);
}
