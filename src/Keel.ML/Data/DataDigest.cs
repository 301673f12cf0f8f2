using System.Buffers;
using System.Security.Cryptography;

namespace Keel.ML.Data;

/// <summary>The SHA-256 digest of a data file's bytes, as <c>sha256:&lt;64 hex&gt;</c>.</summary>
public static class DataDigest
{
    /// <summary>The read size: large reads keep the (hardware-accelerated) hash fed.</summary>
    /// <value>1 MiB.</value>
    public const int BufferSize = 1 << 20;

    /// <summary>Hashes the file's content (not its name or timestamps).</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns><c>sha256:</c> followed by 64 lower-case hex digits.</returns>
    public static async Task<string> ComputeAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                }
            }

            return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
