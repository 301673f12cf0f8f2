using Keel.Core.Tracking;

namespace Keel.Client.Http;

/// <summary>
/// MLflow's protobuf JSON leaves out empty lists (a run without params has no <c>params</c> field),
/// so answers from an MLflow server deserialize with nulls where Keel's types promise lists. These
/// turn every such null into an empty list, so callers never see one.
/// </summary>
internal static class Normalize
{
    public static Run Run(Run run) => run with
    {
        Data = run.Data is { } data
            ? data with { Metrics = data.Metrics ?? [], Params = data.Params ?? [], Tags = data.Tags ?? [] }
            : new RunData([], [], []),
        Inputs = new RunInputs((run.Inputs?.DatasetInputs ?? []).Select(d => d with { Tags = d.Tags ?? [] }).ToList()),
    };

    public static Experiment Experiment(Experiment experiment) => experiment with { Tags = experiment.Tags ?? [] };
}
