namespace Keel.ML.Training;

/// <summary>One hyper-parameter a trainer accepts in <c>pipeline.yaml</c>.</summary>
/// <param name="Name">The snake_case name, e.g. <c>number_of_trees</c>.</param>
/// <param name="IsInteger">Whether only whole numbers are accepted.</param>
/// <param name="Min">The smallest accepted value.</param>
/// <param name="Max">The largest accepted value.</param>
public sealed record HyperParameterSpec(string Name, bool IsInteger, double Min, double Max)
{
    /// <summary>Why <paramref name="value"/> is not accepted, or null when it is.</summary>
    public string? Check(double value)
    {
        if (double.IsNaN(value) || value < Min || value > Max)
        {
            return $"expected a number in [{Min}, {Max}]";
        }

        return IsInteger && Math.Abs(value - Math.Round(value)) > 0 ? "expected a whole number" : null;
    }
}
