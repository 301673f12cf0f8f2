using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Storage;

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
        IsLocal ? TrainBackend.ForLocal(DatabasePath!, ArtifactRoot!) : TrainBackend.ForServer(Globals.CreateClient(Parse));
}
