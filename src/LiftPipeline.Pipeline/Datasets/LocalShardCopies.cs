using System.Collections.Concurrent;
using LiftPipeline.Ingestion;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>
/// Local copies of shard files, downloaded only when statistics must be computed from the rows, and at most once per
/// shard however many of its ranges need it; the folder is deleted on dispose. Thread-safe.
/// </summary>
internal sealed class LocalShardCopies(IObjectStore store) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<LocalCopy>>> _copies = new(StringComparer.Ordinal);
    private string? _folder;

    /// <summary>Shards downloaded so far.</summary>
    public int Downloaded => _copies.Count;

    /// <summary>
    /// Opens views of the local copy of <paramref name="copy"/> (each call a new file handle), downloading it first if
    /// needed; messages about the file name <paramref name="name"/> (the export it came from), never the local path.
    /// </summary>
    /// <exception cref="ObjectStoreException">The shard does not exist, or the store failed.</exception>
    public async Task<Func<CancellationToken, Task<ExportFile>>> OpenerAsync(string copy, string name, CancellationToken cancellationToken)
    {
        var local = await _copies.GetOrAdd(copy, key => new Lazy<Task<LocalCopy>>(() => DownloadAsync(key, cancellationToken))).Value.ConfigureAwait(false);
        return ct => ExportFile.OpenAsync(new FileStream(local.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), name, IngestionLimits.Holdout, leaveOpen: false, ct);
    }

    private async Task<LocalCopy> DownloadAsync(string copy, CancellationToken cancellationToken)
    {
        string folder = LazyInitializer.EnsureInitialized(ref _folder, LocalCopy.NewFolder);
        return await LocalCopy.DownloadAsync(store, copy, folder, cancellationToken).ConfigureAwait(false)
            ?? throw new ObjectStoreException(ObjectStoreException.Unavailable, copy, "the shard list names a shard that does not exist");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_folder is { } folder && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
