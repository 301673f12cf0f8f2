using Keel.Core.Errors;
using YamlDotNet.RepresentationModel;

namespace Keel.ML.Pipeline;

/// <summary>
/// Collects every problem in a pipeline file as <c>line N: key: expected ...</c>, reported in line
/// order (sections are checked one after another, so problems are found out of order).
/// </summary>
internal sealed class YamlProblems
{
    private readonly List<(long Line, string Message)> _messages = [];

    public int Count => _messages.Count;

    public void Add(YamlNode? node, string key, string message) => AddAt(node is null ? 1 : node.Start.Line, key, message);

    public void AddAt(long line, string key, string message) => _messages.Add((line, $"line {line}: {key}: {message}"));

    public void ThrowIfAny(string? sourcePath)
    {
        if (_messages.Count > 0)
        {
            throw ToException(sourcePath);
        }
    }

    public KeelException ToException(string? sourcePath)
    {
        var where = sourcePath is null ? "pipeline" : $"pipeline '{sourcePath}'";

        // A stable sort: problems on one line keep the order they were found in.
        var ordered = _messages.Select((m, i) => (m.Line, i, m.Message)).OrderBy(m => m.Line).ThenBy(m => m.i).Select(m => m.Message);
        return KeelException.InvalidParameter(
            $"Invalid {where}: {_messages.Count} problem(s):" + Environment.NewLine + string.Join(Environment.NewLine, ordered));
    }
}
