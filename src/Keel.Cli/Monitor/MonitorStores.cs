using Keel.Cli.Infrastructure;
using Keel.Core.Monitoring;

namespace Keel.Cli.Monitor;

/// <summary>Where <c>keel monitor</c> commands go: the server's API, or the monitoring service over the local store.</summary>
internal static class MonitorStores
{
    /// <summary>
    /// The server's client, or <see cref="MonitoringService"/> over the local SQLite store (the same
    /// rules). Locally there is no monitor runner: it runs inside <c>keel server</c>, so
    /// <c>keel monitor run</c> on a local store is refused with a hint.
    /// </summary>
    public static IMonitoringOperations Monitoring(this CliStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.Client is { } client)
        {
            return client;
        }

        var local = store.Local!;
        return new MonitoringService(local.Monitoring, store.Registry, runner: null, local.Limits, local.ServedModels);
    }
}
