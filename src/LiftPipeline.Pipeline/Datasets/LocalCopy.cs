using System.Security.Cryptography;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>
/// A stored object copied to a local file, streamed (never whole in memory), with its SHA-256 computed on the way, so
/// exports of any size can be validated by several workers that each open and seek the file. Delete the folder when done.
/// </summary>
internal sealed record LocalCopy(string Path, string ETag, string Sha256, long Length)
{
    /// <summary>A new empty folder under the system temp folder.</summary>
    public static string NewFolder()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lift-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Copies <paramref name="name"/> into <paramref name="folder"/> under its own file name; null when it does not exist.</summary>
    /// <exception cref="ObjectStoreException">The object changed while it was read (code precondition-failed: retry), or the store failed.</exception>
    public static async Task<LocalCopy?> DownloadAsync(IObjectStore store, string name, string folder, CancellationToken cancellationToken)
    {
        var before = await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
        await using var source = await store.OpenReadAsync(name, cancellationToken).ConfigureAwait(false);
        if (before is null || source is null)
        {
            return null;
        }
        string path = System.IO.Path.Combine(folder, name[(name.LastIndexOf('/') + 1)..]);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        await using (var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
        {
            var buffer = new byte[1 << 20];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                length += read;
            }
        }
        var after = await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
        if (after is null || after.ETag != before.ETag)
        {
            throw new ObjectStoreException(ObjectStoreException.PreconditionFailed, name, "the object changed while it was read; handle it again to read the new version");
        }
        return new LocalCopy(path, before.ETag, Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }
}
