using System.Text.RegularExpressions;

namespace Keel.Server.Serving;

/// <summary>
/// The folder one process downloads served packages into: <c>&lt;parent&gt;/&lt;id&gt;/</c>, owned
/// through the lock file <c>&lt;parent&gt;/&lt;id&gt;.lock</c>, which the process keeps open with
/// <see cref="FileShare.None"/> (an exclusive <c>flock</c> on Linux and macOS) for its lifetime.
/// The kernel drops the lock when the process ends, however it ends (kill -9 included), so a
/// folder whose lock can be taken has no live owner: <see cref="Claim"/> deletes those first.
/// The lock file is created under a temporary name, locked, then renamed, so another process never
/// sees an unlocked lock file of a live owner. Works across containers sharing the folder, where
/// process ids would not.
/// </summary>
public sealed partial class ServingCache : IDisposable
{
    private const string LockSuffix = ".lock", PendingSuffix = ".lock.tmp";
    private readonly FileStream _lock;
    private readonly string _lockPath;

    private ServingCache(string path, string lockPath, FileStream lockStream)
    {
        Path = path;
        _lockPath = lockPath;
        _lock = lockStream;
    }

    /// <summary>Where Keel's processes keep their caches: <c>$TMPDIR/keel-serving</c>.</summary>
    public static string DefaultParent => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "keel-serving");

    /// <summary>This process's folder (created, empty).</summary>
    public string Path { get; }

    /// <summary>Deletes the folders of processes that are gone, then creates and locks a folder for this one.</summary>
    /// <param name="parent">The folder holding every process's cache, e.g. <see cref="DefaultParent"/>.</param>
    public static ServingCache Claim(string parent)
    {
        Directory.CreateDirectory(parent);
        SweepStale(parent);
        var id = Guid.NewGuid().ToString("N");
        var pending = System.IO.Path.Combine(parent, id + PendingSuffix);
        var lockPath = System.IO.Path.Combine(parent, id + LockSuffix);
        var stream = new FileStream(pending, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        try
        {
            using (var writer = new StreamWriter(stream, leaveOpen: true))
            {
                // For people looking at the folder; ownership is the lock, not this text.
                writer.WriteLine($"pid {Environment.ProcessId}");
            }

            stream.Flush();
            File.Move(pending, lockPath);
            var path = System.IO.Path.Combine(parent, id);
            Directory.CreateDirectory(path);
            return new ServingCache(path, lockPath, stream);
        }
        catch
        {
            stream.Dispose();
            TryDelete(pending);
            throw;
        }
    }

    /// <summary>
    /// Deletes every cache folder under <paramref name="parent"/> whose owner is gone (its lock file
    /// can be locked, or it has none), with its lock file. Folders of live processes stay.
    /// </summary>
    /// <returns>How many folders were deleted.</returns>
    public static int SweepStale(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return 0;
        }

        var deleted = 0;
        foreach (var entry in new DirectoryInfo(parent).EnumerateFileSystemInfos())
        {
            var (id, isLock) = Parse(entry.Name);
            if (id is null)
            {
                continue; // Not ours.
            }

            var folder = System.IO.Path.Combine(parent, id);
            if (entry is DirectoryInfo && isLock)
            {
                continue;
            }

            if (entry is DirectoryInfo && (File.Exists(folder + LockSuffix) || File.Exists(folder + PendingSuffix)))
            {
                continue; // Its lock file is looked at below.
            }

            if (entry is DirectoryInfo)
            {
                // A folder without a lock file: left by a Keel before locks, or its lock was removed.
                deleted += TryDeleteFolder(folder) ? 1 : 0;
                continue;
            }

            // A lock file: take the lock to prove its owner is gone, then remove folder and file.
            FileStream? held;
            try
            {
                held = new FileStream(entry.FullName, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                continue; // Locked: a live process owns it (or it vanished meanwhile).
            }
            catch (UnauthorizedAccessException)
            {
                continue; // Another user's: not ours to judge.
            }

            using (held)
            {
                deleted += TryDeleteFolder(folder) ? 1 : 0;
                TryDelete(entry.FullName);
            }
        }

        return deleted;
    }

    /// <summary>Deletes this process's folder and releases its lock.</summary>
    public void Dispose()
    {
        TryDeleteFolder(Path);
        TryDelete(_lockPath);
        _lock.Dispose();
    }

    /// <summary>The id of a cache entry (<c>id</c>, <c>id.lock</c> or <c>id.lock.tmp</c>) and whether it is a lock file; null id when not ours.</summary>
    private static (string? Id, bool IsLock) Parse(string name)
    {
        var match = EntryName().Match(name);
        return match.Success ? (match.Groups[1].Value, match.Groups[2].Success) : (null, false);
    }

    private static bool TryDeleteFolder(string folder)
    {
        try
        {
            if (!Directory.Exists(folder))
            {
                return false;
            }

            Directory.Delete(folder, recursive: true);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Best effort: a leftover lock file is removed by the next sweep.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    [GeneratedRegex("^([0-9a-f]{32})(\\.lock(?:\\.tmp)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex EntryName();
}
