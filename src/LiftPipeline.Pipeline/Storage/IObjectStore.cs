namespace LiftPipeline.Pipeline.Storage;

/// <summary>What the store knows of one object: its name, size, version tag and last change.</summary>
public sealed record StoredObject(string Name, long Length, string ETag, DateTimeOffset LastModified);

/// <summary>An object's content and the version tag it was read at (for conditional writes).</summary>
public sealed record ObjectContent(string Name, ReadOnlyMemory<byte> Content, string ETag);

/// <summary>
/// The pipeline's only view of storage: one flat namespace of objects named by '/'-separated paths
/// (the layout of docs/pipeline.md). Implementations: <see cref="FolderStore"/> here, the Azure Blob store in
/// LiftPipeline.Infrastructure. Every name passes <see cref="ObjectName.Validate"/> before any storage call.
/// Every failure is an <see cref="ObjectStoreException"/> whose one-line message names the object and the store (never
/// a key). Implementations are thread-safe.
/// </summary>
public interface IObjectStore
{
    /// <summary>A short description for logs and summaries (a folder path or an account/container).</summary>
    string Description { get; }

    /// <summary>The object's content and ETag, or null when there is no such object.</summary>
    /// <exception cref="ObjectStoreException">The name is invalid or the store failed.</exception>
    Task<ObjectContent?> ReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Opens the object for streaming reads (large exports), or null when there is no such object.</summary>
    /// <exception cref="ObjectStoreException">
    /// Code <see cref="ObjectStoreException.NotAFile"/> when the folder store finds a symbolic link or a FIFO, socket or
    /// device at the name (refused, never opened); otherwise the store failed.
    /// </exception>
    Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the object only if it does not exist yet (If-None-Match: *), atomically: readers see all of it or none.
    /// Returns false, writing nothing, when it already exists — the idempotent way to record a result.
    /// </summary>
    Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="TryCreateAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/> from a stream read to its end, for
    /// objects too large to hold in memory (exports of hundreds of millions of rows). The stream stays open.
    /// </summary>
    /// <returns>True when this call created the object; false when it already existed (nothing written).</returns>
    /// <exception cref="ObjectStoreException">The name is unsafe (before any storage call), or the store failed.</exception>
    Task<bool> TryCreateAsync(string name, Stream content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the object atomically. With <paramref name="ifMatch"/> the write succeeds only if the object is still at
    /// that ETag (optimistic concurrency for merges); null overwrites unconditionally. Returns the new ETag.
    /// </summary>
    /// <exception cref="ObjectStoreException">Code <see cref="ObjectStoreException.PreconditionFailed"/> when the ETag no longer matches.</exception>
    Task<string> WriteAsync(string name, ReadOnlyMemory<byte> content, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Properties of the object, or null when there is no such object.</summary>
    Task<StoredObject?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every object whose name starts with <paramref name="prefix"/>, in ordinal name order — including names outside
    /// <see cref="ObjectName"/>'s rules that someone else wrote (check with <see cref="ObjectName.IsValid"/> before reading).
    /// The folder store never lists symbolic links; it lists special files (FIFOs, sockets, devices) with length 0 and an
    /// empty ETag so they can be reported.
    /// </summary>
    IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object if it exists (used for queue-like markers, never for exports).</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes an exclusive lease on <paramref name="name"/> (created empty if missing) for <paramref name="duration"/>,
    /// or returns null when someone else holds it. Dispose the lease to release it. Lease a dedicated marker object
    /// (e.g. <c>locks/{campaign}</c>), not data you write: blob storage refuses writes to a leased blob.
    /// </summary>
    Task<IObjectLease?> TryAcquireLeaseAsync(string name, TimeSpan duration, CancellationToken cancellationToken = default);
}

/// <summary>An exclusive lease on one object; disposing releases it.</summary>
public interface IObjectLease : IAsyncDisposable
{
    /// <summary>The leased object's name.</summary>
    string Name { get; }

    /// <summary>Extends the lease by its original duration.</summary>
    Task RenewAsync(CancellationToken cancellationToken = default);
}
