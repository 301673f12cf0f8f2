namespace Keel.Core.Paging;

/// <summary>One page of results plus the opaque token for the next page (null on the last page).</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, string? NextPageToken);
