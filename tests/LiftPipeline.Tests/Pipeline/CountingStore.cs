using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Storage;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>A store that counts streamed reads of holdout shard copies (<c>datasets/…/shard-….parquet</c>): each is one read of a shard's rows.</summary>
internal sealed class CountingStore(IObjectStore inner) : ForwardingStore(inner)
{
    private int _shardReads;

    public int ShardReads => Volatile.Read(ref _shardReads);

    public void Reset() => Interlocked.Exchange(ref _shardReads, 0);

    public override Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        if (name.Contains("/shard-", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _shardReads);
        }
        return Inner.OpenReadAsync(name, cancellationToken);
    }
}
