namespace Keel.Core.Artifacts;

/// <summary>Operations built on <see cref="IArtifactStore"/>'s primitives.</summary>
public static class ArtifactStoreExtensions
{
    /// <summary>
    /// Copies the folder <paramref name="path"/> of the store, recursively, into the local folder
    /// <paramref name="target"/> (created when missing). Only the last segment of each listed name
    /// is used locally, so a listing cannot write outside <paramref name="target"/>.
    /// </summary>
    /// <returns>How many files were copied (0: the folder is empty or missing).</returns>
    public static async Task<int> CopyToDirectoryAsync(this IArtifactStore store, string path, string target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        Directory.CreateDirectory(target);
        var count = 0;
        foreach (var entry in await store.ListAsync(path, cancellationToken).ConfigureAwait(false))
        {
            var name = Path.GetFileName(entry.Path.TrimEnd('/'));
            if (name.Length == 0 || name is "." or "..")
            {
                continue;
            }

            if (entry.IsDir)
            {
                count += await store.CopyToDirectoryAsync(entry.Path, Path.Combine(target, name), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var input = await store.OpenReadAsync(entry.Path, cancellationToken).ConfigureAwait(false);
            await using (input.ConfigureAwait(false))
            {
                var output = File.Create(Path.Combine(target, name));
                await using (output.ConfigureAwait(false))
                {
                    await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                }
            }

            count++;
        }

        return count;
    }
}
