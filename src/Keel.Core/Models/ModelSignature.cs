namespace Keel.Core.Models;

/// <summary>One named, typed column of a model's input or output.</summary>
/// <param name="Name">The column name; non-empty, unique within its list.</param>
/// <param name="Type">The column type, from the fixed set.</param>
public sealed record ColumnSpec(string Name, ColumnType Type);

/// <summary>
/// A model's signature, as MLflow's column-based signature:
/// <c>{"inputs": [{"name": "age", "type": "double"}], "outputs": [...]}</c>.
/// </summary>
/// <param name="Inputs">The input columns, in order; at least one.</param>
/// <param name="Outputs">The output columns, in order; at least one.</param>
public sealed record ModelSignature(IReadOnlyList<ColumnSpec> Inputs, IReadOnlyList<ColumnSpec> Outputs);
