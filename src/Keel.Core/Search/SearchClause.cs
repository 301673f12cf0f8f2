namespace Keel.Core.Search;

/// <summary>One comparison of a filter, e.g. <c>metrics.acc &gt; 0.9</c>.</summary>
/// <param name="EntityType">What the identifier names.</param>
/// <param name="Key">The metric/param/tag key, or the canonical attribute or dataset field name
/// (aliases resolved: <c>created</c> becomes <c>start_time</c>, <c>run name</c> becomes <c>run_name</c>).</param>
/// <param name="Comparator">The operator.</param>
/// <param name="Value">The right-hand side.</param>
public sealed record SearchClause(SearchEntityType EntityType, string Key, SearchComparator Comparator, SearchValue Value);

/// <summary>One <c>order_by</c> entry, e.g. <c>metrics.acc DESC</c>.</summary>
public sealed record OrderByClause(SearchEntityType EntityType, string Key, bool Ascending);

/// <summary>A parsed filter: clauses joined by <c>AND</c>. No clauses means "everything".</summary>
public sealed record SearchFilter(IReadOnlyList<SearchClause> Clauses)
{
    /// <summary>The filter that matches everything.</summary>
    public static SearchFilter Empty { get; } = new([]);
}
