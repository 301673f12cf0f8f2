using Keel.Core.Errors;
using Microsoft.ML;

namespace Keel.ML.Training;

/// <summary>Trainers by name: fit featurisation plus an ML.NET trainer in one call.</summary>
public sealed partial class TrainerCatalog
{
    private readonly KeelMLContext _owner;

    internal TrainerCatalog(KeelMLContext owner) => _owner = owner;

    /// <summary>Fits trainer <paramref name="trainer"/> on <paramref name="data"/>.</summary>
    /// <param name="data">The training rows.</param>
    /// <param name="trainer">A trainer name for the data's task (see <see cref="TrainerRegistry"/>).</param>
    /// <param name="parameters">Hyper-parameters by snake_case name, or null for ML.NET's defaults.</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for an unknown trainer or parameter.</exception>
    public TrainedModel Fit(TrainingData data, string trainer, IReadOnlyDictionary<string, double>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(new FitOptions { Data = data, Trainer = trainer, Parameters = parameters ?? new Dictionary<string, double>() });
    }

    /// <summary>Fits the trainer described by <paramref name="options"/>.</summary>
    public TrainedModel Fit(FitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var data = options.Data ?? throw new ArgumentException("Data is required.", nameof(options));
        var spec = TrainerRegistry.Find(data.Label.Task, options.Trainer)
            ?? throw KeelException.InvalidParameter($"Unknown trainer '{options.Trainer}' for task {data.Label.Task}; expected one of {TrainerRegistry.NamesFor(data.Label.Task)}.");
        var problems = new List<string>();
        foreach (var (name, value) in options.Parameters)
        {
            var why = spec.Find(name) is { } known ? known.Check(value) : "unknown hyper-parameter";
            if (why is not null)
            {
                problems.Add($"{name}: {why}");
            }
        }

        if (problems.Count > 0)
        {
            throw KeelException.InvalidParameter($"Invalid hyper-parameters for {spec.Name}: {string.Join("; ", problems)}.");
        }

        var context = _owner.MLContext;
        var view = data.ToTrainingView();
        ITransformer transformer;
        try
        {
            var estimator = _owner.Featurization.Featurize(new FeaturizationOptions { Features = data.Features, Normalize = spec.NeedsNormalization, DateParts = data.DateParts, Derived = data.Derived })
                .Append(spec.Create(context, options.Parameters, _owner.Seed, data.ClassWeights is null ? null : TrainerRegistry.WeightColumn));
            if (TargetTransforms.Inverse(context, data.TargetTransform) is { } inverse)
            {
                estimator = estimator.Append(inverse);
            }

            transformer = estimator.Fit(view);
        }
        catch (Exception error) when (error is ArgumentOutOfRangeException or ArgumentException { ParamName: not null })
        {
            // ML.NET checks options when the trainer is made, and some only when fitting (against the data).
            throw new KeelException(ErrorCode.InvalidParameterValue, $"trainer.params: ML.NET refused the options of {spec.Name}: {error.Message}", error);
        }

        return new TrainedModel(transformer, data.Label.Task, spec.Name, options.Parameters, data.Features, data.Label, view.Schema);
    }
}

/// <summary>Options of <see cref="TrainerCatalog.Fit(FitOptions)"/>.</summary>
public sealed class FitOptions
{
    /// <summary>The training rows. Required.</summary>
    public TrainingData? Data { get; init; }

    /// <summary>The trainer name.</summary>
    /// <value>FastTree.</value>
    public string Trainer { get; init; } = "FastTree";

    /// <summary>Hyper-parameters by snake_case name.</summary>
    /// <value>Empty (ML.NET's defaults).</value>
    public IReadOnlyDictionary<string, double> Parameters { get; init; } = new Dictionary<string, double>();
}
