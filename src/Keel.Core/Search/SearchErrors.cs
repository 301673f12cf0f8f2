using Keel.Core.Errors;

namespace Keel.Core.Search;

/// <summary>Builds INVALID_PARAMETER_VALUE errors that quote the input, the bad token and its position.</summary>
internal sealed class SearchErrors(string label, string input)
{
    private const int MaxShown = 200;

    /// <summary>An error about the token at <paramref name="position"/> (zero-based).</summary>
    public KeelException At(int position, string tokenText, string detail)
    {
        var shown = tokenText.Length == 0 ? "end of input" : $"'{Truncate(tokenText)}'";
        return KeelException.InvalidParameter(
            $"Invalid {label} '{Truncate(input)}': at position {position} ({shown}): {detail}");
    }

    /// <summary>An error about a token.</summary>
    public KeelException At(in SearchToken token, string detail) =>
        At(token.Position, token.Kind == SearchTokenKind.End ? "" : token.Text, detail);

    private static string Truncate(string s) => s.Length <= MaxShown ? s : s[..MaxShown] + "...";
}
