namespace Keel.ML.Workflows;

/// <summary>
/// What a workflow reports while it runs, so that a caller shows it its own way: the CLI as
/// <c>==&gt; step</c> lines or a spinner, the server as log lines. Workflows never write to the console.
/// Calls come on the workflow's own thread, in order.
/// </summary>
public interface IWorkflowProgress
{
    /// <summary>A phase starts, e.g. <c>loading data.csv</c> or <c>registering 'credit'</c>.</summary>
    void Step(string text);

    /// <summary>A detail of the current phase, e.g. the phases' timings.</summary>
    void Detail(string text);

    /// <summary>Something that went wrong without stopping the workflow, e.g. a failed gate.</summary>
    void Warning(string text);
}

/// <summary>Progress that goes nowhere.</summary>
public sealed class NullWorkflowProgress : IWorkflowProgress
{
    /// <summary>The one instance.</summary>
    public static NullWorkflowProgress Instance { get; } = new();

    private NullWorkflowProgress()
    {
    }

    /// <inheritdoc/>
    public void Step(string text)
    {
    }

    /// <inheritdoc/>
    public void Detail(string text)
    {
    }

    /// <inheritdoc/>
    public void Warning(string text)
    {
    }
}
