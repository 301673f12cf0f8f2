using System.Text.Json;
using Keel.Core.Models;
using Keel.ML.Packaging;

namespace Keel.Server.Serving;

/// <summary>
/// One loaded model generation: its name, version, package directory and scorer. The scorer is
/// thread-safe and scores every request as one batch (one ML.NET <c>Transform</c> over all rows),
/// so no per-thread engine pool is needed. <see cref="Ready"/> turns true only after warm-up.
/// </summary>
public sealed class ServedModel
{
    private const int WarmUpPasses = 3;
    private volatile bool _ready;

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

    /// <summary>Loads the package in <paramref name="packageDirectory"/> and warms it on its input example.</summary>
    public static async Task<ServedModel> LoadAsync(string name, string packageDirectory, string? version = null, string? modelUri = null, CancellationToken cancellationToken = default)
    {
        var scorer = await ModelScorer.LoadAsync(packageDirectory, cancellationToken).ConfigureAwait(false);
        var contents = await ModelPackage.ReadAsync(packageDirectory, cancellationToken).ConfigureAwait(false);
        var model = new ServedModel(name, version ?? scorer.Metadata.Version, packageDirectory, modelUri, scorer, contents.InputExample);
        model.WarmUp();
        return model;
    }

    /// <summary>Scores rows (column name to JSON value) as one batch; signature problems throw INVALID_PARAMETER_VALUE.</summary>
    public IReadOnlyList<ModelPrediction> Predict(IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows) => Scorer.Score(rows);

    /// <summary>JIT and caches: score the input example a few times before reporting ready.</summary>
    private void WarmUp()
    {
        var rows = ScoringInput.ParseMlflow(InputExample, Signature.Inputs, requireWrapper: false);
        for (var i = 0; i < WarmUpPasses; i++)
        {
            Predict(rows);
            Predict([rows[0]]);
        }

        _ready = true;
    }
}
