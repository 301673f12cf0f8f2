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
    public async Task<BaselineResult> SetAsync(ModelVersion version, string path, MissingValues? missing, Actor actor, CancellationToken cancellationToken = default)
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

        var stamp = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
        var folder = $"{ReferenceSampleFiles.BaselineRoot}/{Segment(version.Name)}/{version.Version}/{stamp:yyyyMMdd'T'HHmmssfff'Z'}-{Guid.NewGuid():N}";
        await WriteCsvAsync(folder + "/" + InputsFileName, inputs, cancellationToken).ConfigureAwait(false);
        if (predictions is not null)
        {
            await WriteCsvAsync(folder + "/" + PredictionsFileName, predictions, cancellationToken).ConfigureAwait(false);
        }

        var info = new BaselineInfo(version.Name, version.Version, Path.GetFileName(path), table.RowCount, predictions is not null, stamp.ToUnixTimeMilliseconds(), actor.User);
        await _files.Artifacts.WriteAsync(folder + "/" + InfoFileName, new MemoryStream(info.ToJson()), cancellationToken).ConfigureAwait(false);

        var uri = "mlflow-artifacts:/" + folder + "/" + InputsFileName;
        var previous = version.Tags.FirstOrDefault(t => t.Key == ReferenceSampleFiles.BaselineTag)?.Value;
        await _registry.SetModelVersionTagAsync(version.Name, version.Version, new ModelVersionTag(ReferenceSampleFiles.BaselineTag, uri), actor, cancellationToken).ConfigureAwait(false);
        return new BaselineResult(version.Name, version.Version, uri, previous, info);
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

/// <summary>What <see cref="ModelBaselines.SetAsync"/> did.</summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The version.</param>
/// <param name="Uri">Where the baseline's inputs are (the tag's new value).</param>
/// <param name="PreviousUri">The baseline it replaced, or null.</param>
/// <param name="Info">What <c>baseline.json</c> records.</param>
public sealed record BaselineResult(string Model, string Version, string Uri, string? PreviousUri, BaselineInfo Info);
