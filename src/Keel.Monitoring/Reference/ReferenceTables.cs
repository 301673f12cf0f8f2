using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Data;

namespace Keel.Monitoring.Reference;

/// <summary>
/// Reads reference CSV files (<see cref="ReferenceSampleFiles"/>) with Keel.Data's one table reader
/// and the version's signature kinds, so a reference means what training read.
/// </summary>
public static class ReferenceTables
{
    /// <summary>The kinds of a signature's input columns.</summary>
    public static Dictionary<string, ColumnKind> InputKinds(ModelSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var kinds = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        foreach (var column in signature.Inputs)
        {
            kinds[column.Name] = ColumnKinds.Of(column.Type);
        }

        return kinds;
    }

    /// <summary>The kinds of the reference prediction columns: a number for regression, a label and a probability for classifiers.</summary>
    public static Dictionary<string, ColumnKind> PredictionKinds(ModelSignature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var regression = signature.Outputs.Count == 1 && ColumnKinds.Of(signature.Outputs[0].Type) == ColumnKind.Numeric;
        return new Dictionary<string, ColumnKind>(StringComparer.Ordinal)
        {
            [ReferenceSampleFiles.PredictionColumn] = regression ? ColumnKind.Numeric : ColumnKind.Categorical,
            [ReferenceSampleFiles.ProbabilityColumn] = ColumnKind.Numeric,
        };
    }

    /// <summary>Reads a reference CSV written by <see cref="TableWriter"/>.</summary>
    public static Task<DataTable> ReadAsync(byte[] csv, IReadOnlyDictionary<string, ColumnKind> kinds, bool keepText = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        return TableReader.ReadCsvAsync(new MemoryStream(csv, writable: false), Options(kinds, keepText), cancellationToken: cancellationToken);
    }

    /// <summary>How reference files are read: the given kinds, the default missing rule, a comma.</summary>
    public static TableReadOptions Options(IReadOnlyDictionary<string, ColumnKind> kinds, bool keepText = false, char? delimiter = ',') =>
        new() { Kinds = kinds, KeepText = keepText, Delimiter = delimiter };
}
