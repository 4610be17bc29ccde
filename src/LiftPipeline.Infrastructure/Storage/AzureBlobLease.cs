using Azure;
using Azure.Storage.Blobs.Specialized;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Infrastructure.Storage;

/// <summary>A blob lease taken by <see cref="AzureBlobStore"/>; disposing releases it (a lease already lost is ignored).</summary>
internal sealed class AzureBlobLease : IObjectLease
{
    private readonly BlobLeaseClient _client;
    private readonly AzureBlobStore _store;
    private int _released;

    public AzureBlobLease(string name, BlobLeaseClient client, AzureBlobStore store)
    {
        Name = name;
        _client = client;
        _store = store;
    }

    public string Name { get; }

    /// <inheritdoc />
    /// <exception cref="ObjectStoreException"><see cref="ObjectStoreException.PreconditionFailed"/> when the lease expired and another owner took it.</exception>
    public async Task RenewAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _client.RenewAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new ObjectStoreException(ObjectStoreException.PreconditionFailed, Name,
                "the lease expired and was taken by another owner; acquire it again", ex);
        }
        catch (Exception ex) when (AzureBlobStore.IsFailure(ex, cancellationToken))
        {
            throw _store.Unavailable(Name, "renew the lease on", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }
        try
        {
            await _client.ReleaseAsync().ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            // Already expired and taken over, or the blob is gone: nothing of ours left to release.
        }
        catch (Exception ex) when (AzureBlobStore.IsFailure(ex, CancellationToken.None))
        {
            // The account is unreachable: the lease expires by itself within its duration (at most 60 s).
        }
    }
}
