using System.Runtime.CompilerServices;
using Keel.Core.Paging;

namespace Keel.Client;

public sealed partial class KeelClient
{
    /// <summary>Yields the items of page after page until a page comes without a next-page token.</summary>
    private static async IAsyncEnumerable<T> AllPagesAsync<T>(Func<string?, CancellationToken, Task<PagedResult<T>>> fetchPage, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await fetchPage(token, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            token = page.NextPageToken;
        }
        while (token is not null);
    }

    private static string? EmptyToNull(string? token) => string.IsNullOrEmpty(token) ? null : token;
}
