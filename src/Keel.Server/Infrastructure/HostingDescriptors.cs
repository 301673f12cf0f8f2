using System.Runtime.InteropServices;

namespace Keel.Server.Infrastructure;

/// <summary>
/// The process's open-file limit (RLIMIT_NOFILE). Every TCP connection, SQLite file, artifact stream
/// and loaded assembly (the runtime keeps two descriptors per assembly) takes one; when none is left,
/// accept() fails with EMFILE, and Kestrel retries it in a tight loop that allocates on every turn.
/// </summary>
public static partial class HostingDescriptors
{
    private const int RlimitNofile = 7; // Linux; other systems are left alone.

    /// <summary>The soft and hard limits, or null where they cannot be read (not Linux).</summary>
    public static (ulong Soft, ulong Hard)? Read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return GetRLimit(RlimitNofile, out var limit) == 0 ? (limit.Current, limit.Max) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Raises the soft limit to the hard one (any process may do that). Returns the limits before and
    /// after, or null where they cannot be read.
    /// </summary>
    public static (ulong SoftBefore, ulong Hard, ulong SoftAfter)? RaiseSoftToHard()
    {
        if (Read() is not var (soft, hard))
        {
            return null;
        }

        if (soft < hard)
        {
            var wanted = new RLimit { Current = hard, Max = hard };
            _ = SetRLimit(RlimitNofile, ref wanted);
        }

        return Read() is var (after, _) ? (soft, hard, after) : (soft, hard, soft);
    }

    /// <summary>The descriptors open now (Linux: the entries of /proc/self/fd), or null where unknown.</summary>
    public static int? OpenNow()
    {
        try
        {
            return OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd") ? Directory.GetFileSystemEntries("/proc/self/fd").Length : null;
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

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, ref RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }
}
