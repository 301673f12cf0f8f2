namespace Keel.Core.Search;

/// <summary>What a search accepts: which identifiers, which operators on each, which value types.</summary>
internal abstract class SearchGrammar
{
    protected static readonly SearchComparator[] Arithmetic =
    [
        SearchComparator.Equal, SearchComparator.NotEqual, SearchComparator.LessThan,
        SearchComparator.LessThanOrEqual, SearchComparator.GreaterThan, SearchComparator.GreaterThanOrEqual,
    ];

    protected static readonly SearchComparator[] Strings =
        [SearchComparator.Equal, SearchComparator.NotEqual, SearchComparator.Like, SearchComparator.ILike];

    protected static readonly SearchComparator[] StringsAndLists =
        [.. Strings, SearchComparator.In, SearchComparator.NotIn];

    /// <summary>Maps an identifier token to an entity type and canonical key, or throws.</summary>
    public abstract (SearchEntityType Entity, string Key) Resolve(in SearchToken token, bool forOrderBy, SearchErrors errors);

    /// <summary>True when the value must be a number, false when it must be quoted text.</summary>
    public abstract bool IsNumeric(SearchEntityType entity, string key);

    /// <summary>The operators allowed on this identifier.</summary>
    public abstract IReadOnlyList<SearchComparator> Comparators(SearchEntityType entity, string key);

    /// <summary>Extra rule for lists, which only some keys accept; null when allowed, else why not.</summary>
    public virtual string? ListNotAllowed(SearchEntityType entity, string key) => null;

    /// <summary>Human name of an identifier in messages, e.g. "metric 'acc'".</summary>
    public static string Describe(SearchEntityType entity, string key) => entity switch
    {
        SearchEntityType.Metric => $"metric '{key}'",
        SearchEntityType.Param => $"param '{key}'",
        SearchEntityType.Tag => $"tag '{key}'",
        SearchEntityType.Dataset => $"dataset attribute '{key}'",
        _ => $"attribute '{key}'",
    };

    protected static string List(IEnumerable<string> names) => string.Join(", ", names);
}
