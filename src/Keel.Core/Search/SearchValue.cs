using System.Globalization;

namespace Keel.Core.Search;

/// <summary>The right-hand side of a search clause.</summary>
public abstract record SearchValue;

/// <summary>A quoted string, quotes removed and escapes resolved.</summary>
public sealed record StringSearchValue(string Value) : SearchValue;

/// <summary>A numeric literal; <see cref="Text"/> keeps the spelling so integers stay exact.</summary>
public sealed record NumberSearchValue(double Value, string Text) : SearchValue
{
    /// <summary>The value as a 64-bit integer when the literal is a whole number that fits, else null.</summary>
    public long? AsInt64 =>
        long.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;
}

/// <summary>A parenthesised list of quoted strings, for <c>IN</c> and <c>NOT IN</c>.</summary>
public sealed record ListSearchValue(IReadOnlyList<string> Values) : SearchValue;
