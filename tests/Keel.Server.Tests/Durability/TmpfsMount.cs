using System.Diagnostics;

namespace Keel.Server.Tests.Durability;

/// <summary>
/// A real, small filesystem (tmpfs) mounted for one test, so "the disk is full" is the kernel's
/// ENOSPC and not a simulation. Needs root (CAP_SYS_ADMIN), which the test machines and CI have;
/// mounting failing is a test failure, on purpose. Unmounted and removed on dispose.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MB on a new temporary folder.</summary>
    public static TmpfsMount Create(int megabytes)
    {
        var path = Directory.CreateTempSubdirectory("keel-fulldisk-").FullName;
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        if (code != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"Cannot mount a {megabytes} MB tmpfs on {path} (exit {code}: {output.Trim()}). The full-disk tests need root (CAP_SYS_ADMIN) to make a real full filesystem.");
        }

        return new TmpfsMount(path);
    }

    /// <summary>Fills the filesystem with one file until the kernel answers ENOSPC; returns that file (delete it to free the space).</summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        var buffer = new byte[64 * 1024];
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
            {
                stream.Write(buffer);
            }
        }
        catch (IOException e) when (e.HResult == 28)
        {
            // ENOSPC: full. Top up the last partial block byte by byte.
        }

        try
        {
            while (true)
            {
                stream.Write(buffer.AsSpan(0, 1));
            }
        }
        catch (IOException e) when (e.HResult == 28)
        {
            return filler;
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var (code, output) = Run("umount", Path);
        if (code != 0)
        {
            // Still busy: detach it now, the kernel frees it when the last file closes.
            Run("umount", "-l", Path);
        }

        try
        {
            Directory.Delete(Path);
        }
        catch (IOException)
        {
            // Left for the temp cleaner; it is empty once unmounted.
        }

        _ = output;
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
