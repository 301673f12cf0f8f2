namespace Keel.Core.Models;

/// <summary>The bounds a model package must respect; reading refuses anything larger.</summary>
public static class ModelPackageLimits
{
    /// <summary>The largest accepted <c>keel-model.json</c>, in bytes.</summary>
    /// <value>1 MiB.</value>
    public const int MaxDescriptorBytes = 1024 * 1024;

    /// <summary>The largest accepted <c>input_example.json</c>, in bytes.</summary>
    /// <value>1 MiB.</value>
    public const int MaxInputExampleBytes = 1024 * 1024;

    /// <summary>The deepest JSON nesting accepted in either file.</summary>
    /// <value>64.</value>
    public const int MaxJsonDepth = 64;

    /// <summary>The longest name (of the model, a column, a map key) in characters.</summary>
    /// <value>256.</value>
    public const int MaxNameLength = 256;

    /// <summary>The longest text value in characters.</summary>
    /// <value>8192.</value>
    public const int MaxTextLength = 8192;

    /// <summary>The most entries in any one map or list (columns, metrics, dependencies ...).</summary>
    /// <value>4096.</value>
    public const int MaxEntries = 4096;
}
