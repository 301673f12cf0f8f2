using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Storage;
using ArtifactFileInfo = Keel.Core.Protocol.FileInfo;

namespace Keel.Storage.Artifacts;

/// <summary>
/// Artifacts in a local folder. Every path goes through <see cref="ArtifactPath.Normalize"/> and is
/// then resolved on disk with every symbolic link followed; anything that lands outside the root
/// is refused. Writes go to a hidden temporary file in the target folder, are flushed to disk and
/// renamed over the final name, so a crash never leaves a partial file under that name. A write
/// that fails because the disk is full is <see cref="ErrorCode.InsufficientStorage"/> (507), leaves
/// nothing behind, and is reported to the <see cref="StorageHealth"/> until a write succeeds again.
/// </summary>
public sealed partial class LocalArtifactStore : IArtifactStore
{
    private const int CopyBufferSize = 81920;
    private readonly string _root;
    private readonly StorageHealth? _health;
    private string? _realRoot;

    /// <summary>Creates a store over <paramref name="root"/>; the folder is created on first write.</summary>
    /// <param name="root">The artifact root folder.</param>
    /// <param name="health">Where a full disk is reported (and its recovery); none when null.</param>
    public LocalArtifactStore(string root, StorageHealth? health = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _health = health;
        _root = Path.GetFullPath(root);
        RootUri = new Uri(_root).AbsoluteUri;
    }

    /// <inheritdoc />
    public string RootUri { get; }

    /// <summary>The absolute root folder.</summary>
    public string RootPath => _root;

    /// <inheritdoc />
    public Task<IReadOnlyList<ArtifactFileInfo>> ListAsync(string path, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPath.Normalize(path);
        var directory = Locate(relative);
        var entries = new List<ArtifactFileInfo>();
        if (!Directory.Exists(directory))
        {
            return Task.FromResult<IReadOnlyList<ArtifactFileInfo>>(entries);
        }

        var realRoot = RealRoot();
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Name.StartsWith(ArtifactPath.TempPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var childPath = ArtifactPath.Combine(relative, entry.Name);
            if (entry.LinkTarget is not null)
            {
                // A link is listed as what it points to, and only when that stays inside the root.
                var target = ConfinedPath.Resolve(entry.FullName);
                if (!ConfinedPath.IsWithin(target, realRoot))
                {
                    continue;
                }

                if (Directory.Exists(target))
                {
                    entries.Add(new ArtifactFileInfo(childPath, true));
                }
                else if (File.Exists(target))
                {
                    entries.Add(new ArtifactFileInfo(childPath, false, new FileInfo(target).Length));
                }

                continue;
            }

            entries.Add(entry is FileInfo file
                ? new ArtifactFileInfo(childPath, false, file.Length)
                : new ArtifactFileInfo(childPath, true));
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return Task.FromResult<IReadOnlyList<ArtifactFileInfo>>(entries);
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var relative = RequireFilePath(path);
        var full = Locate(relative);
        if (Directory.Exists(full))
        {
            throw KeelException.InvalidParameter($"Artifact '{relative}' is a directory; list it instead of downloading it.");
        }

        if (!File.Exists(full))
        {
            throw KeelException.NotFound($"Artifact '{relative}' does not exist.");
        }

        try
        {
            Stream stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, CopyBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw KeelException.NotFound($"Artifact '{relative}' does not exist.");
        }
    }

    /// <inheritdoc />
    public async Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var relative = RequireFilePath(path);
        var full = Locate(relative);
        if (Directory.Exists(full))
        {
            throw KeelException.InvalidParameter($"Artifact '{relative}' is a directory; it cannot be overwritten by a file.");
        }

        var directory = Path.GetDirectoryName(full)!;
        var temp = Path.Join(directory, ArtifactPath.TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            CreateDirectory(directory, relative);
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await content.CopyToAsync(stream, CopyBufferSize, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

                // fsync before the rename: after a crash the final name holds either the old or the
                // complete new content, never a file whose data never reached the disk.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (DiskFull.Is(e) && e is not KeelException)
        {
            TryDelete(temp);
            _health?.ReportFull(StorageHealth.Artifacts, _root);
            throw DiskFull.Error("the artifact store", $"artifact '{relative}'", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        _health?.ReportWritten(StorageHealth.Artifacts);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPath.Normalize(path);
        if (relative.Length == 0)
        {
            throw KeelException.InvalidParameter("Invalid path: the artifact root cannot be deleted.");
        }

        var full = Locate(relative);
        if (Directory.Exists(full))
        {
            // Recursive delete removes links inside the tree without following them.
            Directory.Delete(full, recursive: true);
        }
        else if (File.Exists(full))
        {
            File.Delete(full);
        }
        else
        {
            throw KeelException.NotFound($"Artifact '{relative}' does not exist.");
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The real on-disk path for a normalised relative path, refused when it (or any link on the
    /// way) resolves outside the root.
    /// </summary>
    internal string Locate(string relative)
    {
        var realRoot = RealRoot();
        var lexical = relative.Length == 0 ? realRoot : Path.Join(realRoot, relative.Replace('/', Path.DirectorySeparatorChar));
        var real = ConfinedPath.Resolve(lexical);
        if (!ConfinedPath.IsWithin(real, realRoot))
        {
            throw KeelException.InvalidParameter("Invalid path: it resolves outside the artifact root.");
        }

        return real;
    }

    private string RealRoot() => _realRoot ??= ConfinedPath.Resolve(_root);

    private static string RequireFilePath(string path)
    {
        var relative = ArtifactPath.Normalize(path);
        return relative.Length == 0
            ? throw KeelException.InvalidParameter("Invalid path: an artifact path is required.")
            : relative;
    }

    private static void CreateDirectory(string directory, string relative)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (IOException e) when (!DiskFull.Is(e))
        {
            throw KeelException.InvalidParameter($"Cannot write artifact '{relative}': a parent of it is a file.");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary file is hidden from listings and never served.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
