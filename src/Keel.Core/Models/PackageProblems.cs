using Keel.Core.Errors;

namespace Keel.Core.Models;

/// <summary>
/// Collects every problem found in a package, one per field, so they are reported together in a
/// single INVALID_PARAMETER_VALUE (as YARP's ConfigValidator does).
/// </summary>
internal sealed class PackageProblems
{
    private const int MaxReported = 50;
    private readonly List<string> _messages = [];
    private readonly HashSet<string> _fields = new(StringComparer.Ordinal);

    public int Count => _messages.Count;

    /// <summary>Records a problem unless one was already recorded for <paramref name="field"/>.</summary>
    public void Add(string field, string message)
    {
        if (_fields.Add(field))
        {
            _messages.Add($"{field}: {message}");
        }
    }

    public void ThrowIfAny(string what)
    {
        if (_messages.Count == 0)
        {
            return;
        }

        var shown = _messages.Count > MaxReported
            ? string.Join("; ", _messages.Take(MaxReported)) + $"; and {_messages.Count - MaxReported} more"
            : string.Join("; ", _messages);
        throw KeelException.InvalidParameter($"Invalid {what}: {shown}.");
    }
}
