using Keel.Server.Tests.Serving;

namespace Keel.Server.Tests.Monitoring.Estimation;

/// <summary>The replayed credit and flights classifiers, each trained once for the tests of a class.</summary>
public sealed class ReplayedModels : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-cbpe-replay-").FullName;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ReplayedClassifier? _credit;
    private ReplayedClassifier? _flights;

    internal async Task<ReplayedClassifier> CreditAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return _credit ??= await ReplayedClassifier.TrainAsync(
                Path.Combine(ServingFixture.RepositoryRoot(), "examples", "credit", "credit_data.csv"), rows: 4454, trainShare: 0.4, referenceShare: 0.2,
                """
                name: credit-cbpe
                data: {path: train.csv, target: Status, task: binary}
                split: {train: 0.8, validation: 0.1, test: 0.1, seed: 3}
                trainer: {name: FastTree, params: {number_of_trees: 50}}
                importance: false
                monitoring: {reference_rows: 0}
                """,
                (table, r) => table["Status"]!.Texts![r]!, Folder("credit"), ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal async Task<ReplayedClassifier> FlightsAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return _flights ??= await ReplayedClassifier.TrainAsync(
                Path.Combine(ServingFixture.RepositoryRoot(), "examples", "flights", "flights_2001h1_50k.csv"), rows: 30_000, trainShare: 0.4, referenceShare: 0.2,
                """
                name: flights-cbpe
                data: {path: train.csv, target: is_late, task: binary, label: {column: delay, greater_than: 15}, drop: [date]}
                split: {train: 0.8, validation: 0.1, test: 0.1, seed: 3}
                trainer: {name: FastTree, params: {number_of_trees: 50}}
                importance: false
                monitoring: {reference_rows: 0}
                """,
                (table, r) => table["delay"]!.Numbers![r] > 15 ? "true" : "false", Folder("flights"), ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_folder, name)).FullName;
}
