using System.Globalization;
using System.Text;

namespace Keel.ML.Pipeline;

/// <summary>
/// A numeric column computed from numeric input columns (<c>data.derived</c>), e.g.
/// <c>debt_ratio: Debt / Income</c>. The grammar is small on purpose — arithmetic and a few
/// functions, no code:
/// <code>
/// expr    := term (('+' | '-') term)*
/// term    := unary (('*' | '/') unary)*
/// unary   := '-' unary | primary
/// primary := number | column | function '(' expr ')' | '(' expr ')'
/// function:= log | log1p | exp | abs | sqrt
/// column  := [A-Za-z_][A-Za-z0-9_]* | `any name`
/// </code>
/// It becomes an ML.NET expression transform inside the saved model, so training and scoring
/// compute it identically; a result that is not a finite number (x / 0, log(0)) is a missing
/// value, replaced by the training mean like any numeric input.
/// </summary>
/// <param name="Name">The new column's name.</param>
/// <param name="Expression">The expression as written.</param>
/// <param name="Sources">The input columns it reads, in first-use order.</param>
/// <param name="MLNetExpression">The ML.NET expression-transform lambda it translates to.</param>
public sealed record DerivedColumn(string Name, string Expression, IReadOnlyList<string> Sources, string MLNetExpression)
{
    /// <summary>The functions the grammar accepts.</summary>
    public static IReadOnlyList<string> Functions { get; } = ["log", "log1p", "exp", "abs", "sqrt"];

    /// <summary>Parses <paramref name="expression"/>, or says why it cannot.</summary>
    /// <returns>The column, or null with <paramref name="error"/> set.</returns>
    public static DerivedColumn? TryParse(string name, string expression, out string? error)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(expression);
        var parser = new Parser(expression);
        try
        {
            var body = parser.Expression();
            parser.End();
            var parameters = string.Join(", ", parser.Sources.Select((_, i) => "p" + i.ToString(CultureInfo.InvariantCulture)));

            // A non-finite result (inf - inf is NaN, so the test fails) becomes ML.NET's missing value.
            var lambda = $"({parameters}) => with(v = {body}; v - v == 0 ? v : na(v))";
            error = null;
            return new DerivedColumn(name, expression, parser.Sources, lambda);
        }
        catch (FormatException problem)
        {
            error = problem.Message;
            return null;
        }
    }

    /// <summary>A recursive-descent parser that writes the ML.NET form as it reads.</summary>
    private sealed class Parser(string text)
    {
        private int _at;

        public List<string> Sources { get; } = [];

        public string Expression()
        {
            var result = new StringBuilder(Term());
            while (Peek() is '+' or '-')
            {
                var op = text[_at++];
                result.Append(' ').Append(op).Append(' ').Append(Term());
            }

            return result.ToString();
        }

        public void End()
        {
            SkipSpaces();
            if (_at < text.Length)
            {
                throw Error($"unexpected '{text[_at]}'");
            }

            if (Sources.Count == 0)
            {
                throw new FormatException("expected at least one column (a constant is no feature)");
            }
        }

        private string Term()
        {
            var result = new StringBuilder(Unary());
            while (Peek() is '*' or '/')
            {
                var op = text[_at++];
                result.Append(' ').Append(op).Append(' ').Append(Unary());
            }

            return result.ToString();
        }

        private string Unary() => Peek() == '-' ? "-" + Advance(Unary) : Primary();

        private string Advance(Func<string> next)
        {
            _at++;
            return next();
        }

        private string Primary()
        {
            var c = Peek();
            if (c == '(')
            {
                _at++;
                var inner = Expression();
                Expect(')');
                return "(" + inner + ")";
            }

            if (c is >= '0' and <= '9' or '.')
            {
                var start = _at;
                while (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] is '.' or 'e' or 'E' || (text[_at] is '+' or '-' && text[_at - 1] is 'e' or 'E')))
                {
                    _at++;
                }

                var literal = text[start.._at];
                if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                {
                    throw Error($"'{literal}' is not a number");
                }

                // A decimal point keeps the literal a real number in ML.NET's language.
                var r = number.ToString("R", CultureInfo.InvariantCulture);
                return r.Contains('.', StringComparison.Ordinal) || r.Contains('E', StringComparison.Ordinal) ? r : r + ".0";
            }

            if (c == '`')
            {
                var start = ++_at;
                var end = text.IndexOf('`', start);
                if (end < 0)
                {
                    throw Error("unclosed `");
                }

                _at = end + 1;
                return Column(text[start..end]);
            }

            if (c is not null && (char.IsAsciiLetter(c.Value) || c == '_'))
            {
                var start = _at;
                while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] == '_'))
                {
                    _at++;
                }

                var word = text[start.._at];
                if (Peek() != '(')
                {
                    return Column(word);
                }

                if (!Functions.Contains(word))
                {
                    throw Error($"unknown function '{word}'; expected one of {string.Join(", ", Functions)}");
                }

                _at++;
                var argument = Expression();
                Expect(')');
                return word switch
                {
                    "log" => $"ln({argument})",
                    "log1p" => $"ln(1.0 + ({argument}))",
                    _ => $"{word}({argument})",
                };
            }

            throw c is null ? Error("unexpected end; expected a number, a column or '('") : Error($"unexpected '{c}'; expected a number, a column or '('");
        }

        private string Column(string name)
        {
            if (name.Length == 0)
            {
                throw Error("empty column name");
            }

            var index = Sources.IndexOf(name);
            if (index < 0)
            {
                Sources.Add(name);
                index = Sources.Count - 1;
            }

            return "p" + index.ToString(CultureInfo.InvariantCulture);
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Error($"expected '{c}'");
            }

            _at++;
        }

        private char? Peek()
        {
            SkipSpaces();
            return _at < text.Length ? text[_at] : null;
        }

        private void SkipSpaces()
        {
            while (_at < text.Length && text[_at] == ' ')
            {
                _at++;
            }
        }

        private FormatException Error(string message) => new($"at character {_at + 1}: {message}");
    }
}
