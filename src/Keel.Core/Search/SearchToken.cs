namespace Keel.Core.Search;

internal enum SearchTokenKind
{
    /// <summary>A bare word, a dotted identifier (<c>metrics.acc</c>) or a back-ticked name.</summary>
    Identifier,

    /// <summary>A single- or double-quoted string.</summary>
    String,
    Number,

    /// <summary>A comparison operator made of symbols: <c>= != &lt; &lt;= &gt; &gt;=</c> (and the unsupported <c>== &lt;&gt;</c>).</summary>
    Operator,
    OpenParen,
    CloseParen,
    Comma,
    End,
}

/// <summary>One token of a filter or order_by string.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Position">Zero-based offset of its first character in the input.</param>
/// <param name="Text">The raw text, as written.</param>
/// <param name="Entity">For identifiers with a dot: the prefix before it (back-ticks removed); else null.</param>
/// <param name="Value">Identifiers: the key (quotes removed); strings: the unescaped content;
/// numbers and operators: the text.</param>
/// <param name="Quoted">For identifiers: the key was quoted, so it can never be a keyword.</param>
internal readonly record struct SearchToken(
    SearchTokenKind Kind,
    int Position,
    string Text,
    string? Entity,
    string Value,
    bool Quoted)
{
    /// <summary>True for an unquoted bare word equal (ignoring case) to <paramref name="keyword"/>.</summary>
    public bool IsKeyword(string keyword) =>
        Kind == SearchTokenKind.Identifier && Entity is null && !Quoted
        && string.Equals(Value, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>How the token is shown in error messages.</summary>
    public string Display => Kind == SearchTokenKind.End ? "end of input" : Text;
}
