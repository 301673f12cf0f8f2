namespace Keel.Core.Search;

/// <summary>
/// What both registry searches share: identifiers are <c>[attribute.]key</c> or <c>tag(s).key</c>;
/// order_by takes attributes only; tags compare as strings with = != LIKE ILIKE.
/// </summary>
internal abstract class RegistrySearchGrammar : SearchGrammar
{
    /// <summary>What is being searched, for messages: "registered models" or "model versions".</summary>
    protected abstract string What { get; }

    /// <summary>Filterable attribute spellings mapped to canonical keys.</summary>
    protected abstract IReadOnlyDictionary<string, string> FilterAttributes { get; }

    /// <summary>Orderable attribute spellings mapped to canonical keys.</summary>
    protected abstract IReadOnlyDictionary<string, string> OrderAttributes { get; }

    /// <summary>True when order_by accepts an <c>attribute.</c> prefix.</summary>
    protected abstract bool OrderByAcceptsPrefix { get; }

    public override (SearchEntityType Entity, string Key) Resolve(in SearchToken token, bool forOrderBy, SearchErrors errors)
    {
        var entity = token.Entity switch
        {
            null or "attribute" => SearchEntityType.Attribute,
            "tag" or "tags" => SearchEntityType.Tag,
            _ => throw errors.At(token, $"invalid entity type '{token.Entity}'. Valid entity types are attribute, tag and tags."),
        };

        var key = token.Value;
        if (forOrderBy)
        {
            if (entity == SearchEntityType.Tag || (token.Entity is not null && !OrderByAcceptsPrefix))
            {
                throw errors.At(token, $"invalid order_by key '{token.Text}'; {What} can be ordered by {List(OrderAttributes.Keys)}.");
            }

            return OrderAttributes.TryGetValue(key, out var orderKey)
                ? (entity, orderKey)
                : throw errors.At(token, $"invalid order_by key '{key}'; {What} can be ordered by {List(OrderAttributes.Keys)}.");
        }

        if (entity == SearchEntityType.Tag)
        {
            return key.Length == 0 ? throw errors.At(token, "the key is empty.") : (entity, key);
        }

        return FilterAttributes.TryGetValue(key, out var canonical)
            ? (entity, canonical)
            : throw errors.At(token, $"invalid attribute key '{key}'. Valid keys are {List(FilterAttributes.Keys)}.");
    }

    public override bool IsNumeric(SearchEntityType entity, string key) => false;

    public override IReadOnlyList<SearchComparator> Comparators(SearchEntityType entity, string key) => Strings;
}
