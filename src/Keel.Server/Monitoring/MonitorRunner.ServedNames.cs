using Keel.Core.Registry;
using Keel.Core.Serving;

namespace Keel.Server.Monitoring;

// A model served under another name (keel serving add fraud models:/credit-model/3) is logged under
// the served name with the registered model's version numbers: the served-model store keeps the URI
// it was added with, which names the registered model whose versions (signature, reference, profile)
// the monitor reads. A name that is not served (or served from its own registered model) is itself.
public sealed partial class MonitorRunner
{
    /// <summary>The registered model whose versions answer under <paramref name="model"/>.</summary>
    private async Task<string> RegisteredNameAsync(string model, CancellationToken cancellationToken)
    {
        if (_services.GetService<IServedModelStore>() is not { } served)
        {
            return model;
        }

        foreach (var entry in await served.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(entry.Name, model, StringComparison.Ordinal) && ModelUri.TryParse(entry.ModelUri, out var uri))
            {
                return uri.Name;
            }
        }

        return model;
    }
}
