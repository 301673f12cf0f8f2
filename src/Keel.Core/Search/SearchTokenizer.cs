using System.Text;

namespace Keel.Core.Search;

/// <summary>
/// Splits a filter or order_by string into tokens. Identifiers are read whole, so
/// <c>metrics.`my key`</c>, <c>tags."a b"</c> and <c>params.train/lr</c> are each one token.
/// </summary>
internal static class SearchTokenizer
{
    public static List<SearchToken> Tokenize(string input, SearchErrors errors)
    {
        var tokens = new List<SearchToken>();
        var i = 0;
        while (i < input.Length)
        {
            var c = input[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            switch (c)
            {
                case '(':
                    tokens.Add(Simple(SearchTokenKind.OpenParen, start, "("));
                    i++;
                    continue;
                case ')':
                    tokens.Add(Simple(SearchTokenKind.CloseParen, start, ")"));
                    i++;
                    continue;
                case ',':
                    tokens.Add(Simple(SearchTokenKind.Comma, start, ","));
                    i++;
                    continue;
                case '=' or '!' or '<' or '>':
                    tokens.Add(ReadOperator(input, ref i, errors));
                    continue;
                case '\'' or '"':
                    {
                        var value = ReadQuoted(input, ref i, errors, allowBackslashEscapes: true);
                        tokens.Add(new SearchToken(SearchTokenKind.String, start, input[start..i], null, value, true));
                        continue;
                    }
            }

            if (IsNumberStart(input, i))
            {
                tokens.Add(ReadNumber(input, ref i, errors));
            }
            else if (c == '`' || char.IsLetter(c) || c == '_')
            {
                tokens.Add(ReadIdentifier(input, ref i, errors));
            }
            else
            {
                throw errors.At(start, c.ToString(), $"unexpected character '{c}'.");
            }
        }

        tokens.Add(Simple(SearchTokenKind.End, input.Length, ""));
        return tokens;
    }

    private static SearchToken Simple(SearchTokenKind kind, int position, string text) =>
        new(kind, position, text, null, text, false);

    private static SearchToken ReadOperator(string input, ref int i, SearchErrors errors)
    {
        var start = i;
        var c = input[i];
        var next = i + 1 < input.Length ? input[i + 1] : '\0';
        var text = (c, next) switch
        {
            ('=', '=') or ('!', '=') or ('<', '=') or ('>', '=') or ('<', '>') => input.Substring(i, 2),
            ('!', _) => throw errors.At(start, "!", "unexpected character '!'; did you mean '!='?"),
            _ => c.ToString(),
        };
        i += text.Length;
        return new SearchToken(SearchTokenKind.Operator, start, text, null, text, false);
    }

    private static bool IsNumberStart(string input, int i)
    {
        var c = input[i];
        if (char.IsAsciiDigit(c))
        {
            return true;
        }

        if (c == '.')
        {
            return i + 1 < input.Length && char.IsAsciiDigit(input[i + 1]);
        }

        return c == '-' && i + 1 < input.Length
            && (char.IsAsciiDigit(input[i + 1]) || (input[i + 1] == '.' && i + 2 < input.Length && char.IsAsciiDigit(input[i + 2])));
    }

    // -?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?
    private static SearchToken ReadNumber(string input, ref int i, SearchErrors errors)
    {
        var start = i;
        if (input[i] == '-')
        {
            i++;
        }

        SkipDigits(input, ref i);
        if (i < input.Length && input[i] == '.')
        {
            i++;
            SkipDigits(input, ref i);
        }

        if (i < input.Length && (input[i] == 'e' || input[i] == 'E'))
        {
            var save = i;
            i++;
            if (i < input.Length && (input[i] == '-' || input[i] == '+'))
            {
                i++;
            }

            if (i < input.Length && char.IsAsciiDigit(input[i]))
            {
                SkipDigits(input, ref i);
            }
            else
            {
                i = save;
            }
        }

        if (i < input.Length && (char.IsLetterOrDigit(input[i]) || input[i] == '_' || input[i] == '.'))
        {
            var end = i;
            while (end < input.Length && !char.IsWhiteSpace(input[end]) && !IsDelimiter(input[end]))
            {
                end++;
            }

            throw errors.At(start, input[start..end], "malformed number.");
        }

        var text = input[start..i];
        return new SearchToken(SearchTokenKind.Number, start, text, null, text, false);
    }

    private static void SkipDigits(string input, ref int i)
    {
        while (i < input.Length && char.IsAsciiDigit(input[i]))
        {
            i++;
        }
    }

    private static SearchToken ReadIdentifier(string input, ref int i, SearchErrors errors)
    {
        var start = i;
        string head;
        var headQuoted = input[i] == '`';
        if (headQuoted)
        {
            head = ReadQuoted(input, ref i, errors, allowBackslashEscapes: false);
        }
        else
        {
            while (i < input.Length && (char.IsLetterOrDigit(input[i]) || input[i] == '_'))
            {
                i++;
            }

            head = input[start..i];
        }

        if (i >= input.Length || input[i] != '.')
        {
            return new SearchToken(SearchTokenKind.Identifier, start, input[start..i], null, head, headQuoted);
        }

        i++; // the dot
        string key;
        bool keyQuoted;
        if (i < input.Length && input[i] is '`' or '"' or '\'')
        {
            key = ReadQuoted(input, ref i, errors, allowBackslashEscapes: false);
            keyQuoted = true;
        }
        else
        {
            var keyStart = i;
            while (i < input.Length && !char.IsWhiteSpace(input[i]) && !IsDelimiter(input[i]))
            {
                i++;
            }

            key = input[keyStart..i];
            keyQuoted = false;
            if (key.Length == 0)
            {
                throw errors.At(start, input[start..i], $"expected a key after '{input[start..i]}', e.g. {head}.my_key.");
            }
        }

        return new SearchToken(SearchTokenKind.Identifier, start, input[start..i], head, key, keyQuoted);
    }

    private static bool IsDelimiter(char c) => c is '=' or '!' or '<' or '>' or '(' or ')' or ',' or '\'' or '"' or '`';

    /// <summary>
    /// Reads a quoted run starting at the opening quote. A doubled quote stands for one quote; in
    /// values a backslash escapes the quote character or another backslash (other backslashes are kept).
    /// </summary>
    private static string ReadQuoted(string input, ref int i, SearchErrors errors, bool allowBackslashEscapes)
    {
        var start = i;
        var quote = input[i];
        i++;
        var sb = new StringBuilder();
        while (i < input.Length)
        {
            var c = input[i];
            if (allowBackslashEscapes && c == '\\' && i + 1 < input.Length && (input[i + 1] == quote || input[i + 1] == '\\'))
            {
                sb.Append(input[i + 1]);
                i += 2;
                continue;
            }

            if (c == quote)
            {
                if (i + 1 < input.Length && input[i + 1] == quote)
                {
                    sb.Append(quote);
                    i += 2;
                    continue;
                }

                i++;
                return sb.ToString();
            }

            sb.Append(c);
            i++;
        }

        throw errors.At(start, input[start..], $"unterminated quoted text; close it with {quote}.");
    }
}
