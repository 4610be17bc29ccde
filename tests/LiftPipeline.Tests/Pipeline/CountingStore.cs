using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>A store that counts streamed reads of holdout shard copies (<c>datasets/…/shard-….parquet</c>): each is one read of a shard's rows.</summary>
internal sealed class CountingStore(IObjectStore inner) : IObjectStore
{
    private int _shardReads;

    public int ShardReads => Volatile.Read(ref _shardReads);

    public void Reset() => Interlocked.Exchange(ref _shardReads, 0);

    public string Description => inner.Description;

    public Task<ObjectContent?> ReadAsync(string name, CancellationToken cancellationToken = default) => inner.ReadAsync(name, cancellationToken);

    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        if (name.Contains("/shard-", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _shardReads);
        }
        return inner.OpenReadAsync(name, cancellationToken);
    }

    public Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) => inner.TryCreateAsync(name, content, cancellationToken);

    public Task<bool> TryCreateAsync(string name, Stream content, CancellationToken cancellationToken = default) => inner.TryCreateAsync(name, content, cancellationToken);

    public Task<string> WriteAsync(string name, ReadOnlyMemory<byte> content, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(name, content, ifMatch, cancellationToken);

    public Task<StoredObject?> GetAsync(string name, CancellationToken cancellationToken = default) => inner.GetAsync(name, cancellationToken);

    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);

    public Task<IObjectLease?> TryAcquireLeaseAsync(string name, TimeSpan duration, CancellationToken cancellationToken = default) =>
        inner.TryAcquireLeaseAsync(name, duration, cancellationToken);
}
