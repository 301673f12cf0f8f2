using System.Text.Json;
using Keel.Core.Models;
using Keel.ML.Packaging;

namespace Keel.Server.Serving;

/// <summary>
/// One loaded model generation: its name, version, package directory and scorer (which pools the
/// row engines). Requests score on a generation through a <see cref="ModelLease"/> from
/// <see cref="ServedModelRegistry.TryAcquire"/>; when a newer generation replaces it (or the model
/// is removed) it is retired, and it is disposed — engines released, downloaded package deleted —
/// when its last lease ends. <see cref="Ready"/> turns true only after warm-up.
/// </summary>
public sealed class ServedModel
{
    private const int WarmUpPasses = 3;
    private volatile bool _ready;

    // One reference for being published (dropped when retired) plus one per lease; at zero the
    // generation is disposed and can no longer be leased.
    private int _references = 1;
    private int _retired;
    private string? _ownedDirectory;

    private ServedModel(string name, string version, string packageDirectory, string? modelUri, ModelScorer scorer, JsonElement inputExample)
    {
        Name = name;
        Version = version;
        PackageDirectory = packageDirectory;
        ModelUri = modelUri;
        Scorer = scorer;
        InputExample = inputExample;
    }

    /// <summary>The name the model is served under.</summary>
    public string Name { get; }

    /// <summary>The model version (the registry's, else the package's).</summary>
    public string Version { get; }

    /// <summary>The generation: 1 for the first model published under <see cref="Name"/>, then one more per replacement.</summary>
    /// <value>0 until published.</value>
    public long Generation { get; internal set; }

    /// <summary>The local package directory.</summary>
    public string PackageDirectory { get; }

    /// <summary>The <c>models:/</c> URI it was loaded from, or null for a local directory.</summary>
    public string? ModelUri { get; }

    /// <summary>The package's scorer.</summary>
    public ModelScorer Scorer { get; }

    /// <summary>The package's input signature.</summary>
    public ModelSignature Signature => Scorer.Metadata.Signature;

    /// <summary>The package's input example (MLflow <c>dataframe_split</c>).</summary>
    public JsonElement InputExample { get; }

    /// <summary>Whether the model is warmed up and answers requests.</summary>
    public bool Ready => _ready;

    /// <summary>The prediction engines this generation holds now (idle and in use).</summary>
    public int EnginePoolSize => Scorer.EnginePoolSize;

    /// <summary>The requests scoring on this generation now.</summary>
    public int ActiveLeases => Math.Max(0, Volatile.Read(ref _references) - (IsRetired ? 0 : 1));

    /// <summary>Whether a newer generation replaced this one, or the model was removed.</summary>
    public bool IsRetired => Volatile.Read(ref _retired) != 0;

    /// <summary>Whether the generation was disposed (retired and its last lease ended).</summary>
    public bool IsDisposed => Volatile.Read(ref _references) == 0;

    /// <summary>The status of the name this generation is served under (loads, failures, what it follows).</summary>
    /// <value>Null until published.</value>
    public ServedModelStatus? Status { get; internal set; }

    /// <summary>Loads the package in <paramref name="packageDirectory"/> and warms it on its input example.</summary>
    public static async Task<ServedModel> LoadAsync(string name, string packageDirectory, string? version = null, string? modelUri = null, CancellationToken cancellationToken = default)
    {
        var scorer = await ModelScorer.LoadAsync(packageDirectory, cancellationToken).ConfigureAwait(false);
        try
        {
            var contents = await ModelPackage.ReadAsync(packageDirectory, cancellationToken).ConfigureAwait(false);
            var model = new ServedModel(name, version ?? scorer.Metadata.Version, packageDirectory, modelUri, scorer, contents.InputExample);
            model.WarmUp();
            return model;
        }
        catch
        {
            scorer.Dispose();
            throw;
        }
    }

    /// <summary>Scores rows (column name to JSON value) on a pooled engine; signature problems throw INVALID_PARAMETER_VALUE.</summary>
    public IReadOnlyList<ModelPrediction> Predict(IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows) => Scorer.Score(rows);

    /// <summary>
    /// Scores rows as a request does: unless <paramref name="strictColumns"/>, names the signature
    /// does not have are left out and reported in <see cref="ScoredRows.IgnoredColumns"/>.
    /// </summary>
    /// <remarks>
    /// A multiclass model always gives every class's probability (<see cref="ModelPrediction.Probabilities"/>),
    /// asked for or not: the prediction log keeps the vector so the label-free estimate (CBPE) can
    /// use it. Answers show it only when the request asked (<paramref name="withProbabilities"/>).
    /// Binary and regression models score as asked (the log's positive-class probability is enough).
    /// </remarks>
    public ScoredRows Predict(IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, bool strictColumns, bool withProbabilities = false) =>
        Scorer.Score(rows, strictColumns, withProbabilities || Scorer.Task.Task == Keel.ML.Pipeline.MLTask.Multiclass);

    /// <summary>Makes the generation delete <paramref name="directory"/> (a downloaded package) when it is disposed.</summary>
    internal void OwnDirectory(string directory) => _ownedDirectory = directory;

    /// <summary>Takes a lease unless the generation is already disposed.</summary>
    internal bool TryRetain()
    {
        var seen = Volatile.Read(ref _references);
        while (seen > 0)
        {
            var before = Interlocked.CompareExchange(ref _references, seen + 1, seen);
            if (before == seen)
            {
                return true;
            }

            seen = before;
        }

        return false;
    }

    /// <summary>Ends a lease; the last one of a retired generation disposes it.</summary>
    internal void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            DisposeCore();
        }
    }

    /// <summary>Marks the generation replaced or removed and drops its published reference (once).</summary>
    internal void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0)
        {
            Release();
        }
    }

    /// <summary>Releases the engines and deletes a downloaded package (the model itself is in memory and goes with the last reference).</summary>
    private void DisposeCore()
    {
        _ready = false;
        Scorer.Dispose();
        if (_ownedDirectory is null)
        {
            return;
        }

        try
        {
            Directory.Delete(_ownedDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the cache folder is under the temp directory.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort, as above.
        }
    }

    /// <summary>
    /// JIT and caches: create one engine per processor (so a burst of requests right after a swap
    /// finds them ready) and score the input example a few times before reporting ready.
    /// </summary>
    private void WarmUp()
    {
        var rows = ScoringInput.ParseMlflow(InputExample, Signature.Inputs, requireWrapper: false);
        Scorer.WarmEngines(rows, Environment.ProcessorCount);
        for (var i = 0; i < WarmUpPasses; i++)
        {
            Predict(rows);
            Predict([rows[0]]);
        }

        _ready = true;
    }
}
