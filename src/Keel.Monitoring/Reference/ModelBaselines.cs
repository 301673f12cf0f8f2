using System.Text;
using Keel.Core.Artifacts;
using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Data;

namespace Keel.Monitoring.Reference;

/// <summary>
/// Sets or replaces a version's monitoring baseline (<c>keel monitor baseline</c>): checks the data
/// against the version's signature, writes it beside the version in the artifact store
/// (<see cref="ReferenceSampleFiles.BaselineRoot"/>; the package is never changed, versions are
/// immutable) and points the version's <see cref="ReferenceSampleFiles.BaselineTag"/> at it, a
/// registry change the audit trail keeps. A replaced baseline's files stay where they were.
/// </summary>
public sealed class ModelBaselines
{
    /// <summary>The inputs file of a baseline.</summary>
    public const string InputsFileName = "inputs.csv";

    /// <summary>The predictions file of a baseline (only when the data held them).</summary>
    public const string PredictionsFileName = "predictions.csv";

    /// <summary>The labelled calibration reference of a baseline (only when set from labelled data).</summary>
    public const string LabelledFileName = "labelled.csv";

    /// <summary>The record of a baseline.</summary>
    public const string InfoFileName = "baseline.json";

    private readonly IRegistryStore _registry;
    private readonly ModelVersionFiles _files;
    private readonly TimeProvider _time;

    /// <summary>Creates the service over the stores a server or the CLI opened.</summary>
    public ModelBaselines(IRegistryStore registry, ITrackingStore tracking, IArtifactStore artifacts, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _registry = registry;
        _files = new ModelVersionFiles(tracking, artifacts);
        _time = timeProvider;
    }

    /// <summary>Reads <paramref name="path"/> (CSV or Parquet) and makes it <paramref name="version"/>'s baseline.</summary>
    /// <param name="version">The version (resolved by the caller).</param>
    /// <param name="path">The data file: the model's input columns (others are ignored), optionally <c>prediction</c> and <c>probability</c>.</param>
    /// <param name="missing">Which cells are missing.</param>
    /// <param name="actor">Who sets it, and why (kept in the audit trail).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE naming every problem of the data; the version is left as it was.</exception>
    public Task<BaselineResult> SetAsync(ModelVersion version, string path, MissingValues? missing, Actor actor, CancellationToken cancellationToken = default) =>
        SetAsync(version, path, missing, actor, null, cancellationToken);

    /// <summary>
    /// As <see cref="SetAsync(ModelVersion, string, MissingValues?, Actor, CancellationToken)"/>; with
    /// <paramref name="labels"/>, the data's true classes are read from the target column, the
    /// version's own model scores every row (its predictions replace any the file held), and a
    /// labelled calibration reference (<see cref="LabelledFileName"/>) is written beside the
    /// baseline, so the label-free estimate can calibrate on it.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE naming every problem of the data (a missing target column, labels the model does not know); the version is left as it was.</exception>
    public async Task<BaselineResult> SetAsync(ModelVersion version, string path, MissingValues? missing, Actor actor, BaselineLabels? labels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(actor);
        var package = await _files.PackagePathAsync(version, cancellationToken).ConfigureAwait(false);
        var signature = (await _files.MetadataAsync(version, package, cancellationToken).ConfigureAwait(false)).Signature;
        var kinds = ReferenceTables.InputKinds(signature);
        foreach (var (name, kind) in ReferenceTables.PredictionKinds(signature))
        {
            kinds.TryAdd(name, kind);
        }

        var table = await TableReader.ReadAsync(path, new TableReadOptions { Kinds = kinds, KeepText = true, Missing = missing ?? MissingValues.Default }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var (inputs, predictions) = Check(table, signature, path);
        IReadOnlyList<DataColumn>? labelled = null;
        if (labels is not null)
        {
            var scored = await ScoreAsync(version, package, new DataTable(inputs), table, labels, path, cancellationToken).ConfigureAwait(false);
            predictions = [.. scored.Predictions];
            labelled = scored.Labelled;
        }

        var stamp = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
        var folder = $"{ReferenceSampleFiles.BaselineRoot}/{Segment(version.Name)}/{version.Version}/{stamp:yyyyMMdd'T'HHmmssfff'Z'}-{Guid.NewGuid():N}";
        await WriteCsvAsync(folder + "/" + InputsFileName, inputs, cancellationToken).ConfigureAwait(false);
        if (predictions is not null)
        {
            await WriteCsvAsync(folder + "/" + PredictionsFileName, predictions, cancellationToken).ConfigureAwait(false);
        }

        if (labelled is not null)
        {
            await WriteCsvAsync(folder + "/" + LabelledFileName, labelled, cancellationToken).ConfigureAwait(false);
        }

        var info = new BaselineInfo(version.Name, version.Version, Path.GetFileName(path), table.RowCount, predictions is not null, stamp.ToUnixTimeMilliseconds(), actor.User)
        {
            LabelledRows = labelled is null ? 0 : labelled[0].Length,
        };
        await _files.Artifacts.WriteAsync(folder + "/" + InfoFileName, new MemoryStream(info.ToJson()), cancellationToken).ConfigureAwait(false);

        var uri = "mlflow-artifacts:/" + folder + "/" + InputsFileName;
        var previous = version.Tags.FirstOrDefault(t => t.Key == ReferenceSampleFiles.BaselineTag)?.Value;
        await _registry.SetModelVersionTagAsync(version.Name, version.Version, new ModelVersionTag(ReferenceSampleFiles.BaselineTag, uri), actor, cancellationToken).ConfigureAwait(false);
        return new BaselineResult(version.Name, version.Version, uri, previous, info);
    }

    /// <summary>Copies the package to a temporary folder and has <paramref name="labels"/>' scorer score the rows with it.</summary>
    private async Task<BaselineScores> ScoreAsync(ModelVersion version, string package, DataTable inputs, DataTable table, BaselineLabels labels, string path, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("keel-baseline-").FullName;
        try
        {
            if (await _files.Artifacts.CopyToDirectoryAsync(package, folder, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw KeelException.InvalidParameter($"Model version {version.Name}/{version.Version} has no package files to score the baseline with.");
            }

            return await labels.Scorer.ScoreAsync(folder, inputs, table, labels.Target, Path.GetFileName(path), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temporary copy left behind is not worth failing the baseline for.
            }
        }
    }

    /// <summary>The input columns in signature order and the prediction columns (or null); every problem at once.</summary>
    private static (DataColumn[] Inputs, DataColumn[]? Predictions) Check(DataTable table, ModelSignature signature, string path)
    {
        var problems = new List<string>();
        if (table.RowCount == 0)
        {
            problems.Add("it has no rows");
        }
        else if (table.RowCount > ReferenceSampleFiles.MaxRows)
        {
            problems.Add($"it has {table.RowCount} rows; a baseline keeps at most {ReferenceSampleFiles.MaxRows} (sample it first)");
        }

        var missingColumns = signature.Inputs.Where(c => table[c.Name] is null).Select(c => c.Name).ToArray();
        if (missingColumns.Length > 0)
        {
            problems.Add($"it lacks the model's input column{(missingColumns.Length == 1 ? string.Empty : "s")} {string.Join(", ", missingColumns.Select(n => $"'{n}'"))} (the signature has {string.Join(", ", signature.Inputs.Select(c => c.Name))})");
        }

        var inputs = signature.Inputs.Select(c => table[c.Name]).OfType<DataColumn>().ToArray();
        var predictionColumns = new[] { ReferenceSampleFiles.PredictionColumn, ReferenceSampleFiles.ProbabilityColumn }.Select(n => table[n]).OfType<DataColumn>().ToArray();
        foreach (var column in inputs.Concat(predictionColumns))
        {
            if (Unreadable(column) is { } problem)
            {
                problems.Add(problem);
            }
        }

        if (problems.Count > 0)
        {
            throw KeelException.InvalidParameter($"Cannot use '{Path.GetFileName(path)}' as a baseline: {string.Join("; ", problems)}.");
        }

        return (inputs.Select(Plain).ToArray(), predictionColumns.Length == 0 ? null : predictionColumns.Select(Plain).ToArray());
    }

    /// <summary>Cells of a numeric or date/time column that are not numbers or times (the reader keeps them as missing).</summary>
    private static string? Unreadable(DataColumn column)
    {
        if (column.Texts is not { } texts || (column.Numbers is null && column.Times is null))
        {
            return null;
        }

        var bad = 0;
        string? first = null;
        for (var i = 0; i < column.Length; i++)
        {
            if (texts[i] is { } text && column.IsMissing(i))
            {
                bad++;
                first ??= text;
            }
        }

        return bad == 0 ? null : $"column '{column.Name}' is {(column.Numbers is null ? "a date/time" : "numeric")} in the model's signature but {bad} of its cells {(bad == 1 ? "is" : "are")} not (e.g. '{Shorten(first!)}')";
    }

    /// <summary>The column without its kept cell text (written from its values).</summary>
    private static DataColumn Plain(DataColumn column) => column.Numbers is { } numbers ? DataColumn.Numeric(column.Name, numbers)
        : column.Times is { } times ? DataColumn.DateTime(column.Name, times)
        : column;

    private async Task WriteCsvAsync(string path, IReadOnlyList<DataColumn> columns, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await TableWriter.WriteCsvAsync(buffer, columns, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        await _files.Artifacts.WriteAsync(path, buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A model name as one safe path segment (the tag records the exact location, so readability is all it needs).</summary>
    internal static string Segment(string name)
    {
        var builder = new StringBuilder(Math.Min(name.Length, 100));
        foreach (var c in name.AsSpan(0, Math.Min(name.Length, 100)))
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }

        return builder.Length == 0 ? "_" : builder.ToString();
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}

/// <summary>Asks <c>keel monitor baseline</c> for a labelled baseline: the data's target column, and the scorer that runs the version's model.</summary>
/// <param name="Target">The column of true classes; null: the model's own target name.</param>
/// <param name="Scorer">Scores the rows with the version's model.</param>
public sealed record BaselineLabels(string? Target, IBaselineScorer Scorer);

/// <summary>
/// Scores a baseline's rows with a version's model (Keel.Monitoring does not load models; the CLI
/// gives one built on Keel.ML's scorer).
/// </summary>
public interface IBaselineScorer
{
    /// <summary>Scores <paramref name="inputs"/> with the package in <paramref name="packageDirectory"/> and reads the true classes from <paramref name="data"/>.</summary>
    /// <param name="packageDirectory">A local copy of the version's package.</param>
    /// <param name="inputs">The model's input columns, in signature order.</param>
    /// <param name="data">The whole file as read (the target column is in it).</param>
    /// <param name="target">The target column's name; null for the model's own.</param>
    /// <param name="source">The file's name, for messages.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the model is not a classifier, the target column is missing, or a label is not one of the model's classes.</exception>
    Task<BaselineScores> ScoreAsync(string packageDirectory, DataTable inputs, DataTable data, string? target, string source, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IBaselineScorer"/> computed.</summary>
/// <param name="Predictions">The columns <see cref="ModelBaselines.PredictionsFileName"/> holds (<c>prediction</c>, <c>probability</c>, as serving logs them).</param>
/// <param name="Labelled">The columns of the labelled reference (<c>label</c>, <c>prediction</c>, <c>probability:CLASS</c>).</param>
public sealed record BaselineScores(IReadOnlyList<DataColumn> Predictions, IReadOnlyList<DataColumn> Labelled);

/// <summary>What <see cref="ModelBaselines.SetAsync(ModelVersion, string, MissingValues?, Actor, CancellationToken)"/> did.</summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The version.</param>
/// <param name="Uri">Where the baseline's inputs are (the tag's new value).</param>
/// <param name="PreviousUri">The baseline it replaced, or null.</param>
/// <param name="Info">What <c>baseline.json</c> records.</param>
public sealed record BaselineResult(string Model, string Version, string Uri, string? PreviousUri, BaselineInfo Info);
