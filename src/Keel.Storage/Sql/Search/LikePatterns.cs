using System.Text;

namespace Keel.Storage.Sql.Search;

/// <summary>Rewrites SQL LIKE patterns (<c>%</c>, <c>_</c>, no escape character) for other matchers.</summary>
internal static class LikePatterns
{
    /// <summary>
    /// The SQLite GLOB pattern equal to a LIKE pattern: GLOB is case-sensitive, which SQLite's LIKE is
    /// not. <c>%</c> becomes <c>*</c>, <c>_</c> becomes <c>?</c>, and GLOB's own <c>* ? [</c> are bracketed.
    /// </summary>
    public static string ToGlob(string like)
    {
        var sb = new StringBuilder(like.Length + 8);
        foreach (var c in like)
        {
            _ = c switch
            {
                '%' => sb.Append('*'),
                '_' => sb.Append('?'),
                '*' => sb.Append("[*]"),
                '?' => sb.Append("[?]"),
                '[' => sb.Append("[[]"),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }

    /// <summary>PostgreSQL's LIKE treats backslash as an escape; doubling it keeps it literal.</summary>
    public static string EscapeBackslashes(string like) => like.Replace("\\", "\\\\", StringComparison.Ordinal);
}
