namespace Keel.Core.Search;

/// <summary>
/// What both registry searches share: identifiers are <c>[attribute.]key</c> or <c>tag(s).key</c>;
/// order_by takes attributes only; tags compare as strings with = != LIKE ILIKE.
/// </summary>
/// <param name="what">What is being searched, for messages: "registered models" or "model versions".</param>
/// <param name="filterAttributes">Filterable attribute spellings mapped to canonical keys.</param>
/// <param name="orderAttributes">Orderable attribute spellings mapped to canonical keys.</param>
/// <param name="orderByAcceptsPrefix">True when order_by accepts an <c>attribute.</c> prefix.</param>
internal abstract class RegistrySearchGrammar(
    string what,
    IReadOnlyDictionary<string, string> filterAttributes,
    IReadOnlyDictionary<string, string> orderAttributes,
    bool orderByAcceptsPrefix) : SearchGrammar
{
    public override (SearchEntityType Entity, string Key) Resolve(in SearchToken token, bool forOrderBy, SearchErrors errors)
    {
        var entity = AttributeOrTag(token, errors);
        var key = token.Value;
        if (forOrderBy)
        {
            if (entity == SearchEntityType.Tag || (token.Entity is not null && !orderByAcceptsPrefix))
            {
                throw errors.At(token, $"invalid order_by key '{token.Text}'; {what} can be ordered by {List(orderAttributes.Keys)}.");
            }

            return orderAttributes.TryGetValue(key, out var orderKey)
                ? (entity, orderKey)
                : throw errors.At(token, $"invalid order_by key '{key}'; {what} can be ordered by {List(orderAttributes.Keys)}.");
        }

        if (entity == SearchEntityType.Tag)
        {
            return key.Length == 0 ? throw errors.At(token, "the key is empty.") : (entity, key);
        }

        return filterAttributes.TryGetValue(key, out var canonical)
            ? (entity, canonical)
            : throw errors.At(token, $"invalid attribute key '{key}'. Valid keys are {List(filterAttributes.Keys)}.");
    }

    public override bool IsNumeric(SearchEntityType entity, string key) => false;

    public override IReadOnlyList<SearchComparator> Comparators(SearchEntityType entity, string key) => Strings;
}
