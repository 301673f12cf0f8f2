namespace Keel.Server.Serving;

/// <summary>
/// A request's hold on one model generation (from <see cref="ServedModelRegistry.TryAcquire"/>):
/// while any lease is open the generation stays usable even if a newer one has been published, so
/// requests in flight finish on the version they started on. Dispose it when the request is done.
/// </summary>
public sealed class ModelLease : IDisposable
{
    private ServedModel? _model;

    internal ModelLease(ServedModel model)
    {
        _model = model;
        Model = model;
    }

    /// <summary>The generation to score on.</summary>
    public ServedModel Model { get; }

    /// <summary>The served name.</summary>
    public string Name => Model.Name;

    /// <summary>The generation's model version.</summary>
    public string Version => Model.Version;

    /// <summary>The generation number (see <see cref="ServedModel.Generation"/>).</summary>
    public long Generation => Model.Generation;

    /// <summary>Ends the lease (once; later calls do nothing).</summary>
    public void Dispose() => Interlocked.Exchange(ref _model, null)?.Release();
}
