using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Faults;

/// <summary>A store whose reads of one object fail with an <see cref="IOException"/>, as a disk or network that went away would.</summary>
internal sealed class FailingReadStore(IObjectStore inner, string failing) : IObjectStore
{
    public string Description => inner.Description;

    public Task<ObjectContent?> ReadAsync(string name, CancellationToken cancellationToken = default) =>
        name == failing ? throw new IOException("the disk went away") : inner.ReadAsync(name, cancellationToken);

    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default) =>
        name == failing ? throw new IOException("the disk went away") : inner.OpenReadAsync(name, cancellationToken);

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
