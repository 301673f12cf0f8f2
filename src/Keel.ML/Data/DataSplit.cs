namespace Keel.ML.Data;

/// <summary>Row indices of the three splits, in file order (random, stratified) or time order (by time), disjoint, together every row.</summary>
/// <param name="Train">Training rows.</param>
/// <param name="Validation">Validation rows (may be empty).</param>
/// <param name="Test">Test rows.</param>
public sealed record DataSplit(int[] Train, int[] Validation, int[] Test);
