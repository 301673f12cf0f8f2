using Keel.Core.Models;

namespace Keel.Core.Validation.Gates;

/// <summary>
/// Checks a data set's columns against a model's input signature (the specification's
/// <c>validate_data_schema</c>): missing columns, extra columns and type mismatches, every one
/// listed. Safe widenings pass: <c>integer</c> into <c>long</c> or <c>double</c>, <c>long</c> into
/// <c>double</c>, <c>float</c> into <c>double</c>. Names match exactly (ordinal).
/// </summary>
public static class SchemaGate
{
    /// <summary>Validates incoming columns against the signature's inputs.</summary>
    /// <param name="signature">The model's signature; only its inputs are checked.</param>
    /// <param name="incoming">The data set's columns: name to type.</param>
    /// <param name="options">Options; null for the defaults.</param>
    public static SchemaGateResult Validate(ModelSignature signature, IReadOnlyDictionary<string, ColumnType> incoming, SchemaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return Validate(signature.Inputs, incoming, options);
    }

    /// <summary>
    /// The specification's <c>validate_data_schema(model_metadata, new_data)</c>: validates
    /// incoming columns against the model's <c>data_schema</c> (the training data's columns, in
    /// their stored order), or against the signature's inputs when the package has no data schema.
    /// </summary>
    /// <param name="metadata">The model package's descriptor.</param>
    /// <param name="incoming">The data set's columns: name to type.</param>
    /// <param name="options">Options; null for the defaults.</param>
    public static SchemaGateResult ValidateDataSchema(ModelMetadata metadata, IReadOnlyDictionary<string, ColumnType> incoming, SchemaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.DataSchema.Count == 0
            ? Validate(metadata.Signature, incoming, options)
            : Validate(metadata.DataSchema.Select(p => new ColumnSpec(p.Key, p.Value)).ToList(), incoming, options);
    }

    /// <summary>Validates incoming columns against expected columns.</summary>
    /// <param name="expected">The columns the model expects, in order.</param>
    /// <param name="incoming">The data set's columns: name to type.</param>
    /// <param name="options">Options; null for the defaults.</param>
    public static SchemaGateResult Validate(IReadOnlyList<ColumnSpec> expected, IReadOnlyDictionary<string, ColumnType> incoming, SchemaOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(incoming);
        options ??= new SchemaOptions();
        var issues = new List<SchemaIssue>();
        var expectedNames = new HashSet<string>(expected.Select(c => c.Name), StringComparer.Ordinal);
        var extras = incoming.Keys.Where(n => !expectedNames.Contains(n)).Order(StringComparer.Ordinal).ToList();

        foreach (var column in expected)
        {
            if (!incoming.TryGetValue(column.Name, out var actual))
            {
                var near = extras.FirstOrDefault(e => string.Equals(e, column.Name, StringComparison.OrdinalIgnoreCase));
                var hint = near is null ? "" : $" (the data has '{near}'; names are case-sensitive)";
                issues.Add(new SchemaIssue(column.Name, SchemaIssueKind.MissingColumn, column.Type, null, GateOutcome.Failed,
                    $"Column '{column.Name}' ({column.Type.ToName()}) is required by the model but missing from the data{hint}."));
            }
            else if (actual != column.Type)
            {
                var widened = IsSafeWidening(actual, column.Type);
                issues.Add(new SchemaIssue(column.Name, widened ? SchemaIssueKind.Widened : SchemaIssueKind.TypeMismatch, column.Type, actual,
                    widened ? GateOutcome.Passed : GateOutcome.Failed,
                    widened
                        ? $"Column '{column.Name}' is {actual.ToName()}; it widens safely to {column.Type.ToName()}."
                        : $"Column '{column.Name}' is {actual.ToName()}, but the model expects {column.Type.ToName()}."));
            }
        }

        foreach (var extra in extras)
        {
            issues.Add(new SchemaIssue(extra, SchemaIssueKind.ExtraColumn, null, incoming[extra],
                options.FailOnExtraColumns ? GateOutcome.Failed : GateOutcome.Warning,
                $"Column '{extra}' is not a model input{(options.FailOnExtraColumns ? "; extra columns are not allowed (strict)." : " and will be ignored.")}"));
        }

        return new SchemaGateResult(expected.Count, issues);
    }

    /// <summary>
    /// Whether data of type <paramref name="actual"/> can feed a <paramref name="expected"/>
    /// input without losing information (MLflow's integer-to-long/double and float-to-double
    /// conversions). Narrowings and text-to-number never are.
    /// </summary>
    public static bool IsSafeWidening(ColumnType actual, ColumnType expected) => (actual, expected) switch
    {
        (ColumnType.Integer, ColumnType.Long) => true,
        (ColumnType.Integer, ColumnType.Double) => true,
        (ColumnType.Long, ColumnType.Double) => true,
        (ColumnType.Float, ColumnType.Double) => true,
        _ => actual == expected,
    };
}

/// <summary>Options for <see cref="SchemaGate"/>.</summary>
public sealed class SchemaOptions
{
    /// <summary>Whether columns the model does not use fail the gate (strict) or are reported as warnings.</summary>
    /// <value>False: extra columns are warnings.</value>
    public bool FailOnExtraColumns { get; init; }
}
