using Keel.Server.Tests.Serving;

namespace Keel.Server.Tests.Monitoring.Estimation;

/// <summary>The replayed credit and flights classifiers, each trained once for the tests of a class.</summary>
public sealed class ReplayedModels : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-cbpe-replay-").FullName;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ReplayedClassifier? _credit;
    private ReplayedClassifier? _flights;

    internal Task<ReplayedClassifier> CreditAsync(CancellationToken ct) => OnceAsync(
        () => _credit, m => _credit = m, "credit", "credit_data.csv", 4454,
        """
        name: credit-cbpe
        data: {path: train.csv, target: Status, task: binary}
        split: {train: 0.8, validation: 0.1, test: 0.1, seed: 3}
        trainer: {name: FastTree, params: {number_of_trees: 50}}
        importance: false
        monitoring: {reference_rows: 0}
        """,
        (table, r) => table["Status"]!.Texts![r]!, ct);

    internal Task<ReplayedClassifier> FlightsAsync(CancellationToken ct) => OnceAsync(
        () => _flights, m => _flights = m, "flights", "flights_2001h1_50k.csv", 30_000,
        """
        name: flights-cbpe
        data: {path: train.csv, target: is_late, task: binary, label: {column: delay, greater_than: 15}, drop: [date]}
        split: {train: 0.8, validation: 0.1, test: 0.1, seed: 3}
        trainer: {name: FastTree, params: {number_of_trees: 50}}
        importance: false
        monitoring: {reference_rows: 0}
        """,
        (table, r) => table["delay"]!.Numbers![r] > 15 ? "true" : "false", ct);

    public void Dispose()
    {
        _gate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Trains the model on <c>examples/NAME/FILE</c> (40 % train, 20 % reference, the rest the stream) the first time it is asked for.</summary>
    private async Task<ReplayedClassifier> OnceAsync(
        Func<ReplayedClassifier?> get, Action<ReplayedClassifier> set, string name, string file, int rows, string pipeline, Func<Keel.Data.DataTable, int, string> truth, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (get() is { } trained)
            {
                return trained;
            }

            var model = await ReplayedClassifier.TrainAsync(
                Path.Combine(ServingFixture.RepositoryRoot(), "examples", name, file), rows, trainShare: 0.4, referenceShare: 0.2, pipeline, truth,
                Directory.CreateDirectory(Path.Combine(_folder, name)).FullName, ct);
            set(model);
            return model;
        }
        finally
        {
            _gate.Release();
        }
    }
}
