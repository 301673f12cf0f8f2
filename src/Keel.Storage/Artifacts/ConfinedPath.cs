using Keel.Core.Errors;

namespace Keel.Storage.Artifacts;

/// <summary>
/// Resolves a path inside a root the way the operating system will, following every symbolic link
/// component by component (as <c>realpath</c>), and refuses it when any resolved component lies
/// outside the root. Components that do not exist yet are taken literally.
/// </summary>
internal static class ConfinedPath
{
    /// <summary>The most links followed in one resolution (Linux's ELOOP limit).</summary>
    private const int MaxLinks = 40;

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>The real path of <paramref name="path"/> (absolute), every existing link resolved.</summary>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? string.Empty;
        var pending = new Stack<string>();
        PushSegments(pending, full[root.Length..]);
        var resolved = new List<string>();
        var links = 0;
        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = Join(root, resolved, segment);
            var target = LinkTarget(candidate);
            if (target is null)
            {
                resolved.Add(segment);
                continue;
            }

            if (++links > MaxLinks)
            {
                throw KeelException.InvalidParameter("Invalid path: too many levels of symbolic links.");
            }

            if (Path.IsPathRooted(target))
            {
                root = Path.GetPathRoot(target) ?? root;
                resolved.Clear();
                PushSegments(pending, target[root.Length..]);
            }
            else
            {
                PushSegments(pending, target);
            }
        }

        return Join(root, resolved, null);
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or lies below it (both real, absolute).</summary>
    public static bool IsWithin(string path, string root)
    {
        var trimmedRoot = Path.TrimEndingDirectorySeparator(root);
        if (string.Equals(path, trimmedRoot, PathComparison))
        {
            return true;
        }

        return path.Length > trimmedRoot.Length
            && path.StartsWith(trimmedRoot, PathComparison)
            && (path[trimmedRoot.Length] == Path.DirectorySeparatorChar || trimmedRoot.EndsWith(Path.DirectorySeparatorChar));
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            // FileInfo.LinkTarget reads the link itself (lstat/readlink) for files and directories alike.
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void PushSegments(Stack<string> pending, string path)
    {
        var segments = path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar]);
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            pending.Push(segments[i]);
        }
    }

    private static string Join(string root, List<string> resolved, string? last)
    {
        var parts = last is null ? resolved : [.. resolved, last];
        return root + string.Join(Path.DirectorySeparatorChar, parts);
    }
}
