using Keel.Core.Errors;
using YamlDotNet.RepresentationModel;

namespace Keel.ML.Pipeline;

/// <summary>Collects every problem in a pipeline file as <c>line N: key: expected ...</c>.</summary>
internal sealed class YamlProblems
{
    private readonly List<string> _messages = [];

    public int Count => _messages.Count;

    public void Add(YamlNode? node, string key, string message) =>
        _messages.Add($"line {(node is null ? 1 : node.Start.Line)}: {key}: {message}");

    public void AddAt(long line, string key, string message) => _messages.Add($"line {line}: {key}: {message}");

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
        return KeelException.InvalidParameter(
            $"Invalid {where}: {_messages.Count} problem(s):" + Environment.NewLine + string.Join(Environment.NewLine, _messages));
    }
}
