using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Paging;
using Keel.Core.Predictions;
using Keel.Storage;
using Keel.Storage.Sqlite;

namespace Keel.Cli.Predictions;

/// <summary>
/// Where <c>keel predictions</c> reads the log, as <c>keel train</c> decides: <c>--backend-store-uri</c>
/// means that local SQLite store; otherwise <c>--tracking-uri</c>, <c>KEEL_TRACKING_URI</c> or
/// <c>MLFLOW_TRACKING_URI</c> means that server; with none of them, the embedded store
/// <c>./keel-data/keel.db</c> (the one <c>keel server</c> uses by default).
/// </summary>
internal sealed class PredictionSource : IAsyncDisposable
{
    public const string DefaultBackendStoreUri = "sqlite:///keel-data/keel.db";

    private readonly Func<PredictionQuery, CancellationToken, Task<PagedResult<LoggedPrediction>>> _search;
    private readonly IAsyncDisposable? _ownedStore;
    private readonly IDisposable? _ownedClient;

    private PredictionSource(string description, Func<PredictionQuery, CancellationToken, Task<PagedResult<LoggedPrediction>>> search, IAsyncDisposable? store, IDisposable? client)
    {
        Description = description;
        _search = search;
        _ownedStore = store;
        _ownedClient = client;
    }

    /// <summary>The server URL or the SQLite file.</summary>
    public string Description { get; }

    public static PredictionSource Open(GlobalOptions globals, ParseResult parse, string? backendStoreUri)
    {
        var serverNamed = parse.GetResult(globals.TrackingUri) is { Implicit: false }
            || !string.IsNullOrEmpty(globals.Settings.GetEnvironmentVariable("KEEL_TRACKING_URI"))
            || !string.IsNullOrEmpty(globals.Settings.GetEnvironmentVariable("MLFLOW_TRACKING_URI"));
        if (backendStoreUri is null && serverNamed)
        {
            var client = globals.CreateClient(parse);
            return new PredictionSource(client.BaseAddress.AbsoluteUri, client.SearchPredictionsAsync, null, client);
        }

        if (parse.GetResult(globals.TrackingUri) is { Implicit: false })
        {
            throw new UsageException("Use either --tracking-uri (a server) or --backend-store-uri (a local store), not both.");
        }

        var backend = StoreUris.ParseBackend(backendStoreUri ?? DefaultBackendStoreUri);
        if (backend.Scheme != "sqlite")
        {
            throw new UsageException($"keel predictions reads a local sqlite:/// store or a server; got '{backend.Scheme}'. Use --tracking-uri for other backends.");
        }

        if (!File.Exists(backend.Path))
        {
            throw new UsageException($"No Keel database at '{backend.Path}'. Name one with --backend-store-uri sqlite:///path/keel.db, or a server with --tracking-uri.");
        }

        var tracking = new SqliteTrackingStore(backend.Path, Path.Combine(Path.GetDirectoryName(backend.Path)!, "artifacts"), TimeProvider.System);
        var store = new SqlitePredictionStore(tracking);
        return new PredictionSource("sqlite:///" + tracking.DatabasePath, store.SearchAsync, tracking, null);
    }

    /// <summary>Every logged prediction the query matches, oldest first.</summary>
    public async Task<List<LoggedPrediction>> ReadAllAsync(PredictionQuery query, CancellationToken cancellationToken)
    {
        var all = new List<LoggedPrediction>();
        var page = query;
        while (true)
        {
            var result = await _search(page, cancellationToken).ConfigureAwait(false);
            all.AddRange(result.Items);
            if (result.NextPageToken is null)
            {
                return all;
            }

            page = page with { PageToken = result.NextPageToken };
        }
    }

    public async ValueTask DisposeAsync()
    {
        _ownedClient?.Dispose();
        if (_ownedStore is not null)
        {
            await _ownedStore.DisposeAsync().ConfigureAwait(false);
        }
    }
}
