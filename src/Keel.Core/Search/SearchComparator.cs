namespace Keel.Core.Search;

/// <summary>The comparison operators of MLflow's search grammar.</summary>
public enum SearchComparator
{
    Equal,
    NotEqual,
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,

    /// <summary>SQL <c>LIKE</c>, case-sensitive: <c>%</c> matches any run of characters, <c>_</c> one character.</summary>
    Like,

    /// <summary>Case-insensitive <c>LIKE</c>.</summary>
    ILike,
    In,
    NotIn,
}

/// <summary>Spelling of <see cref="SearchComparator"/> as users write it.</summary>
public static class SearchComparators
{
    /// <summary>The operator as written in a filter, e.g. <c>&lt;=</c> or <c>NOT IN</c>.</summary>
    public static string ToText(this SearchComparator comparator) => comparator switch
    {
        SearchComparator.Equal => "=",
        SearchComparator.NotEqual => "!=",
        SearchComparator.LessThan => "<",
        SearchComparator.LessThanOrEqual => "<=",
        SearchComparator.GreaterThan => ">",
        SearchComparator.GreaterThanOrEqual => ">=",
        SearchComparator.Like => "LIKE",
        SearchComparator.ILike => "ILIKE",
        SearchComparator.In => "IN",
        _ => "NOT IN",
    };

    /// <summary>True for the six arithmetic comparisons.</summary>
    public static bool IsArithmetic(this SearchComparator comparator) =>
        comparator is >= SearchComparator.Equal and <= SearchComparator.GreaterThanOrEqual;
}
