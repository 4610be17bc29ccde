using System.Security.Cryptography;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>
/// A stored object copied to a local file, streamed (never whole in memory), with its SHA-256 computed on the way, so
/// exports of any size can be validated by several workers that each open and seek the file. All-zero blocks stay holes
/// (<see cref="SparseCopy"/>). Delete the folder when done.
/// </summary>
internal sealed record LocalCopy(string Path, string ETag, string Sha256, long Length)
{
    private const string FolderPrefix = "lift-";

    private static int _swept;

    /// <summary>
    /// A new empty folder under the system temp folder. The first call in a process also removes the folders of crashed
    /// processes: <c>lift-{32 hex}</c> folders whose newest entry is older than <see cref="FolderStore.LeftoverAge"/>
    /// (a live copy writes to its file all along, so its folder never looks that old).
    /// </summary>
    public static string NewFolder()
    {
        var temp = System.IO.Path.GetTempPath();
        if (Interlocked.Exchange(ref _swept, 1) == 0)
        {
            RemoveLeftovers(temp, DateTime.UtcNow - FolderStore.LeftoverAge);
        }
        var path = System.IO.Path.Combine(temp, FolderPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes this class's folders under <paramref name="temp"/> whose newest entry was written before <paramref name="before"/>.</summary>
    internal static void RemoveLeftovers(string temp, DateTime before)
    {
        foreach (var folder in new DirectoryInfo(temp).EnumerateDirectories(FolderPrefix + "*"))
        {
            var id = folder.Name.AsSpan(FolderPrefix.Length);
            if (id.Length != 32 || id.ContainsAnyExcept("0123456789abcdef") || folder.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                continue;   // not a folder this class made (or a link to one): never ours to delete
            }
            try
            {
                var newest = folder.LastWriteTimeUtc;
                foreach (var file in folder.EnumerateFileSystemInfos())
                {
                    newest = file.LastWriteTimeUtc > newest ? file.LastWriteTimeUtc : newest;
                }
                if (newest < before)
                {
                    folder.Delete(recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process's folder, or one deleted meanwhile: leave it to the next sweep.
            }
        }
    }

    /// <summary>Copies <paramref name="name"/> into <paramref name="folder"/> under its own file name; null when it does not exist.</summary>
    /// <exception cref="ObjectStoreException">The object changed while it was read (code precondition-failed: retry), or the store failed.</exception>
    /// <param name="store">The store holding the object.</param>
    /// <param name="name">The object.</param>
    /// <param name="folder">Where the copy goes.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <param name="before">The object's properties when the caller has just read them (saves a request); null: read here.</param>
    public static async Task<LocalCopy?> DownloadAsync(IObjectStore store, string name, string folder, CancellationToken cancellationToken, StoredObject? before = null)
    {
        before ??= await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
        await using var source = await store.OpenReadAsync(name, cancellationToken).ConfigureAwait(false);
        if (before is null || source is null)
        {
            return null;
        }
        string path = System.IO.Path.Combine(folder, name[(name.LastIndexOf('/') + 1)..]);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length;
        await using (var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
        {
            length = await SparseCopy.CopyAsync(source, target, hash, cancellationToken).ConfigureAwait(false);
        }
        var after = await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
        if (after is null || after.ETag != before.ETag)
        {
            throw new ObjectStoreException(ObjectStoreException.PreconditionFailed, name, "the object changed while it was read; handle it again to read the new version");
        }
        return new LocalCopy(path, before.ETag, Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }
}
