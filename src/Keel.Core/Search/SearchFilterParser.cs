namespace Keel.Core.Search;

/// <summary>
/// Parses MLflow search filters and order_by clauses into <see cref="SearchFilter"/> and
/// <see cref="OrderByClause"/> lists. Every error is INVALID_PARAMETER_VALUE and names the bad token
/// and its zero-based position.
/// </summary>
/// <remarks>
/// Grammar (MLflow's, see mlflow/utils/search_utils.py):
/// <c>filter := clause (AND clause)*</c>; <c>clause := identifier op value</c>;
/// <c>identifier := [entity "."] key</c> where the key may be back-ticked or quoted;
/// <c>op := = | != | &lt; | &lt;= | &gt; | &gt;= | LIKE | ILIKE | IN | NOT IN</c>;
/// <c>value := 'text' | "text" | number | ( 'text' [, 'text']* )</c>.
/// Keywords are case-insensitive; entity prefixes and attribute names are not.
/// </remarks>
public static class SearchFilterParser
{
    /// <summary>Parses a SearchRuns filter. Null, empty or blank means no filter.</summary>
    public static SearchFilter ParseRunFilter(string? filter) => ParseFilter(filter, RunSearchGrammar.Instance);

    /// <summary>Parses a SearchExperiments filter. Null, empty or blank means no filter.</summary>
    public static SearchFilter ParseExperimentFilter(string? filter) => ParseFilter(filter, ExperimentSearchGrammar.Instance);

    /// <summary>Parses SearchRuns order_by entries such as <c>metrics.acc DESC</c>; null means none.</summary>
    /// <remarks>Default direction is ascending; the same field twice is an error (as in MLflow).</remarks>
    public static IReadOnlyList<OrderByClause> ParseRunOrderBy(IReadOnlyList<string>? orderBy) =>
        ParseOrderBy(orderBy, RunSearchGrammar.Instance);

    /// <summary>Parses SearchExperiments order_by entries such as <c>name ASC</c>; null means none.</summary>
    public static IReadOnlyList<OrderByClause> ParseExperimentOrderBy(IReadOnlyList<string>? orderBy) =>
        ParseOrderBy(orderBy, ExperimentSearchGrammar.Instance);

    private static SearchFilter ParseFilter(string? filter, SearchGrammar grammar)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return SearchFilter.Empty;
        }

        var errors = new SearchErrors("filter", filter);
        var reader = new TokenReader(SearchTokenizer.Tokenize(filter, errors));
        var clauses = new List<SearchClause>();
        while (true)
        {
            clauses.Add(ParseClause(reader, grammar, errors));
            var next = reader.Next();
            if (next.Kind == SearchTokenKind.End)
            {
                return new SearchFilter(clauses);
            }

            if (next.IsKeyword("AND"))
            {
                continue;
            }

            if (next.IsKeyword("OR"))
            {
                throw errors.At(next, "OR is not supported; join clauses with AND.");
            }

            throw errors.At(next, "expected AND between clauses.");
        }
    }

    private static SearchClause ParseClause(TokenReader reader, SearchGrammar grammar, SearchErrors errors)
    {
        var identifier = reader.Next();
        CheckIdentifier(identifier, errors);
        var (entity, key) = grammar.Resolve(identifier, forOrderBy: false, errors);

        var opToken = reader.Next();
        var comparator = ParseComparator(opToken, reader, errors);
        if (!grammar.Comparators(entity, key).Contains(comparator))
        {
            var allowed = string.Join(", ", grammar.Comparators(entity, key).Select(c => c.ToText()));
            throw errors.At(opToken, $"invalid comparator '{comparator.ToText()}' for {SearchGrammar.Describe(entity, key)}; use one of {allowed}.");
        }

        var value = ParseValue(reader, grammar, entity, key, comparator, errors);
        return new SearchClause(entity, key, comparator, value);
    }

    private static void CheckIdentifier(in SearchToken token, SearchErrors errors)
    {
        if (token.Kind == SearchTokenKind.Identifier && !IsReserved(token))
        {
            return;
        }

        // A double-quoted name stands for an attribute key, as sqlparse reads it as an identifier.
        if (token.Kind == SearchTokenKind.String && token.Text.StartsWith('"'))
        {
            return;
        }

        throw errors.At(token, "expected an identifier such as metrics.<key>, params.<key>, tags.<key>, attributes.<key> or datasets.<key>.");
    }

    private static bool IsReserved(in SearchToken token) =>
        token.IsKeyword("AND") || token.IsKeyword("OR") || token.IsKeyword("NOT") || token.IsKeyword("IN")
        || token.IsKeyword("LIKE") || token.IsKeyword("ILIKE") || token.IsKeyword("IS") || token.IsKeyword("NULL");

    private static SearchComparator ParseComparator(in SearchToken token, TokenReader reader, SearchErrors errors)
    {
        if (token.Kind == SearchTokenKind.Operator)
        {
            return token.Value switch
            {
                "=" => SearchComparator.Equal,
                "!=" => SearchComparator.NotEqual,
                "<" => SearchComparator.LessThan,
                "<=" => SearchComparator.LessThanOrEqual,
                ">" => SearchComparator.GreaterThan,
                ">=" => SearchComparator.GreaterThanOrEqual,
                _ => throw errors.At(token, $"invalid comparator '{token.Value}'; use =, !=, <, <=, >, >=, LIKE, ILIKE, IN or NOT IN."),
            };
        }

        if (token.IsKeyword("LIKE"))
        {
            return SearchComparator.Like;
        }

        if (token.IsKeyword("ILIKE"))
        {
            return SearchComparator.ILike;
        }

        if (token.IsKeyword("IN"))
        {
            return SearchComparator.In;
        }

        if (token.IsKeyword("NOT"))
        {
            var next = reader.Next();
            if (next.IsKeyword("IN"))
            {
                return SearchComparator.NotIn;
            }

            throw errors.At(next, "NOT is only supported in NOT IN.");
        }

        if (token.IsKeyword("IS"))
        {
            throw errors.At(token, "IS NULL and IS NOT NULL are not supported.");
        }

        throw errors.At(token, "expected a comparator: =, !=, <, <=, >, >=, LIKE, ILIKE, IN or NOT IN.");
    }

    private static SearchValue ParseValue(
        TokenReader reader, SearchGrammar grammar, SearchEntityType entity, string key, SearchComparator comparator, SearchErrors errors)
    {
        var token = reader.Next();
        var what = SearchGrammar.Describe(entity, key);
        if (comparator is SearchComparator.In or SearchComparator.NotIn)
        {
            if (grammar.ListNotAllowed(entity, key) is { } why)
            {
                throw errors.At(token, why);
            }

            return ParseList(token, reader, what, errors);
        }

        if (token.Kind == SearchTokenKind.OpenParen)
        {
            throw errors.At(token, "a list of values is only allowed after IN or NOT IN.");
        }

        if (grammar.IsNumeric(entity, key))
        {
            if (token.Kind != SearchTokenKind.Number)
            {
                throw errors.At(token, $"expected a numeric value for {what}.");
            }

            return new NumberSearchValue(double.Parse(token.Value, System.Globalization.CultureInfo.InvariantCulture), token.Value);
        }

        if (token.Kind != SearchTokenKind.String)
        {
            throw errors.At(token, $"expected a quoted string value for {what} (e.g. 'my-value'); use single or double quotes.");
        }

        return new StringSearchValue(token.Value);
    }

    private static ListSearchValue ParseList(in SearchToken open, TokenReader reader, string what, SearchErrors errors)
    {
        if (open.Kind != SearchTokenKind.OpenParen)
        {
            throw errors.At(open, $"expected a parenthesised list of quoted strings for {what}, e.g. ('a', 'b').");
        }

        var values = new List<string>();
        while (true)
        {
            var item = reader.Next();
            if (item.Kind != SearchTokenKind.String)
            {
                throw errors.At(item, values.Count == 0 && item.Kind == SearchTokenKind.CloseParen
                    ? "expected a non-empty list of quoted strings."
                    : "expected a quoted string in the list.");
            }

            values.Add(item.Value);
            var separator = reader.Next();
            if (separator.Kind == SearchTokenKind.CloseParen)
            {
                return new ListSearchValue(values);
            }

            if (separator.Kind != SearchTokenKind.Comma)
            {
                throw errors.At(separator, "expected ',' or ')' in the list.");
            }
        }
    }

    private static IReadOnlyList<OrderByClause> ParseOrderBy(IReadOnlyList<string>? orderBy, SearchGrammar grammar)
    {
        if (orderBy is null || orderBy.Count == 0)
        {
            return [];
        }

        var result = new List<OrderByClause>(orderBy.Count);
        foreach (var text in orderBy)
        {
            var errors = new SearchErrors("order_by clause", text ?? "");
            var reader = new TokenReader(SearchTokenizer.Tokenize(text ?? "", errors));
            var identifier = reader.Next();
            if (identifier.Kind == SearchTokenKind.End)
            {
                throw errors.At(identifier, "expected a field to order by, e.g. metrics.acc DESC.");
            }

            CheckIdentifier(identifier, errors);
            var (entity, key) = grammar.Resolve(identifier, forOrderBy: true, errors);
            var ascending = true;
            var next = reader.Next();
            if (next.IsKeyword("ASC") || next.IsKeyword("DESC"))
            {
                ascending = next.IsKeyword("ASC");
                next = reader.Next();
            }
            else if (next.Kind != SearchTokenKind.End)
            {
                throw errors.At(next, "expected ASC or DESC.");
            }

            if (next.Kind != SearchTokenKind.End)
            {
                throw errors.At(next, "unexpected text after the sort direction.");
            }

            if (result.Exists(c => c.EntityType == entity && c.Key == key))
            {
                throw errors.At(identifier, "order_by contains the same field twice.");
            }

            result.Add(new OrderByClause(entity, key, ascending));
        }

        return result;
    }

    private sealed class TokenReader(List<SearchToken> tokens)
    {
        private int _index;

        public SearchToken Next()
        {
            var token = tokens[_index];
            if (_index < tokens.Count - 1)
            {
                _index++;
            }

            return token;
        }
    }
}
