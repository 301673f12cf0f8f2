using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Client;
using Keel.ML.Workflows;
using Keel.Storage;
using Keel.Storage.Artifacts;
using Keel.Storage.Sqlite;

namespace Keel.Cli.Train;

/// <summary>
/// Which store <c>keel train</c> uses: <c>--backend-store-uri</c> means the local store; otherwise
/// <c>--tracking-uri</c>, <c>KEEL_TRACKING_URI</c> or <c>MLFLOW_TRACKING_URI</c> means that server;
/// with none of them, the embedded store in <c>./keel-data</c> (the one <c>keel server</c> uses by default).
/// </summary>
internal sealed record TrainStore(GlobalOptions Globals, ParseResult Parse, string? DatabasePath, string? ArtifactRoot)
{
    public const string DefaultBackendStoreUri = "sqlite:///keel-data/keel.db";

    public const string DefaultArtifactsUri = "./keel-data/artifacts";

    public bool IsLocal => DatabasePath is not null;

    public static TrainStore Resolve(GlobalOptions globals, ParseResult parse, string? backendStoreUri, string? artifactsUri)
    {
        var serverNamed = parse.GetResult(globals.TrackingUri) is { Implicit: false }
            || !string.IsNullOrEmpty(globals.Settings.GetEnvironmentVariable("KEEL_TRACKING_URI"))
            || !string.IsNullOrEmpty(globals.Settings.GetEnvironmentVariable("MLFLOW_TRACKING_URI"));
        if (backendStoreUri is null && artifactsUri is null && serverNamed)
        {
            return new TrainStore(globals, parse, null, null);
        }

        if (parse.GetResult(globals.TrackingUri) is { Implicit: false })
        {
            throw new UsageException("Use either --tracking-uri (a server) or --backend-store-uri/--artifacts-uri (a local store), not both.");
        }

        var backend = StoreUris.ParseBackend(backendStoreUri ?? DefaultBackendStoreUri);
        if (backend.Scheme != "sqlite")
        {
            throw new UsageException($"keel train works on a local sqlite:/// store or through a server; got '{backend.Scheme}'. Use --tracking-uri for other backends.");
        }

        return new TrainStore(globals, parse, backend.Path, StoreUris.ParseArtifactRoot(artifactsUri ?? DefaultArtifactsUri));
    }

    public TrainBackend Open() =>
        IsLocal ? ForLocal(DatabasePath!, ArtifactRoot!) : ForServer(Globals.CreateClient(Parse));

    /// <summary>A backend over a tracking server.</summary>
    public static TrainBackend ForServer(KeelClient client) =>
        new(client.BaseAddress.AbsoluteUri, client, client, new ClientArtifactStore(client), client.LogModelAsync, new DisposableAdapter(client));

    /// <summary>A backend over a local SQLite database and artifact folder.</summary>
    public static TrainBackend ForLocal(string databasePath, string artifactRoot)
    {
        var tracking = new SqliteTrackingStore(databasePath, artifactRoot, TimeProvider.System);
        var artifacts = new LocalArtifactStore(artifactRoot);
        return new TrainBackend("sqlite:///" + tracking.DatabasePath, tracking, new SqliteRegistryStore(tracking), artifacts, null, tracking);
    }

    private sealed class DisposableAdapter(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
