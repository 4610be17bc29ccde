namespace LiftPipeline.Pipeline.Storage;

/// <summary>
/// An exclusive OS lock on the object's lock file (<c>~locks/{hh}/{sha256 of the name}</c> under the store root, apart from
/// the objects so that folders emptied by deletes can be removed), held while <see cref="FolderStore"/> compares and swaps one object.
/// The lock is the open handle (FileShare.None), so it is released when the holder disposes it or its process dies;
/// the file itself stays (deleting it would let two holders lock different files of the same name). A link or special
/// file planted at the lock's path is refused, never opened.
/// </summary>
internal sealed class FolderLock : IAsyncDisposable
{
    /// <summary>About ten seconds of brief retries before reporting the object as busy.</summary>
    private const int MaxAttempts = 2000;

    private readonly FileStream _handle;

    private FolderLock(FileStream handle) => _handle = handle;

    /// <summary>Waits (briefly retrying) until this caller holds the lock file <paramref name="lockPath"/> of object <paramref name="name"/>.</summary>
    public static async Task<FolderLock> AcquireAsync(string name, string lockPath, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // CreateNew never follows a planted link; an existing lock file is opened only after lstat says it is a plain file.
            var mode = FolderEntry.RequireFileOrMissing(name, lockPath) == FolderEntryKind.Missing ? FileMode.CreateNew : FileMode.Open;
            try
            {
                return new FolderLock(new FileStream(lockPath, mode, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (DirectoryNotFoundException)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
            }
            catch (IOException ex) when (attempt < MaxAttempts)
            {
                _ = ex; // held by another writer (or created by one just now): wait a moment and retry
                await Task.Delay(Random.Shared.Next(1, 10), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new ObjectStoreException(ObjectStoreException.Unavailable, name,
                    $"the lock {lockPath} stayed held by another writer; retry later, or check for a stuck lift process", ex);
            }
        }
    }

    public ValueTask DisposeAsync() => _handle.DisposeAsync();
}
