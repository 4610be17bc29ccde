using System.Runtime.CompilerServices;
using LiftPipeline.Core.Storage;

namespace LiftPipeline.Tests.Alerts;

/// <summary>
/// An in-memory <see cref="IObjectStore"/> for these tests, standing in until the folder store lands: it validates
/// every name, and honours the conditional-write contract exactly (TryCreate only when absent; WriteAsync with an
/// ETag only while the object is at that ETag, else PreconditionFailed; a fresh ETag per write). Thread-safe.
/// </summary>
internal sealed class MemoryObjectStore : IObjectStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, (byte[] Content, string ETag, DateTimeOffset Modified)> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _leases = new(StringComparer.Ordinal);
    private long _version;

    public string Description => "memory";

    /// <summary>Conditional writes that lost (for asserting that a race happened).</summary>
    public int PreconditionFailures { get; private set; }

    public Task<ObjectContent?> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        ObjectName.Validate(name);
        lock (_gate)
        {
            return Task.FromResult(_objects.TryGetValue(name, out var o) ? new ObjectContent(name, o.Content.ToArray(), o.ETag) : null);
        }
    }

    public async Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var content = await ReadAsync(name, cancellationToken);
        return content is null ? null : new MemoryStream(content.Content.ToArray(), writable: false);
    }

    public Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ObjectName.Validate(name);
        lock (_gate)
        {
            if (_objects.ContainsKey(name))
            {
                return Task.FromResult(false);
            }
            Put(name, content);
            return Task.FromResult(true);
        }
    }

    public Task<string> WriteAsync(string name, ReadOnlyMemory<byte> content, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        ObjectName.Validate(name);
        lock (_gate)
        {
            if (ifMatch is not null && (!_objects.TryGetValue(name, out var current) || current.ETag != ifMatch))
            {
                PreconditionFailures++;
                throw new ObjectStoreException(ObjectStoreException.PreconditionFailed, name, $"the object is no longer at ETag {ifMatch}");
            }
            return Task.FromResult(Put(name, content));
        }
    }

    public Task<StoredObject?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ObjectName.Validate(name);
        lock (_gate)
        {
            return Task.FromResult(_objects.TryGetValue(name, out var o) ? new StoredObject(name, o.Content.Length, o.ETag, o.Modified) : null);
        }
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<StoredObject> snapshot;
        lock (_gate)
        {
            snapshot = _objects.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(kv => new StoredObject(kv.Key, kv.Value.Content.Length, kv.Value.ETag, kv.Value.Modified)).ToList();
        }
        foreach (var item in snapshot)
        {
            await Task.Yield();
            yield return item;
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        ObjectName.Validate(name);
        lock (_gate)
        {
            _objects.Remove(name);
        }
        return Task.CompletedTask;
    }

    public Task<IObjectLease?> TryAcquireLeaseAsync(string name, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ObjectName.Validate(name);
        lock (_gate)
        {
            if (_leases.TryGetValue(name, out var until) && until > DateTimeOffset.UtcNow)
            {
                return Task.FromResult<IObjectLease?>(null);
            }
            if (!_objects.ContainsKey(name))
            {
                Put(name, ReadOnlyMemory<byte>.Empty);
            }
            _leases[name] = DateTimeOffset.UtcNow + duration;
            return Task.FromResult<IObjectLease?>(new Lease(this, name, duration));
        }
    }

    private string Put(string name, ReadOnlyMemory<byte> content)
    {
        var etag = $"\"{++_version}\"";
        _objects[name] = (content.ToArray(), etag, DateTimeOffset.UtcNow);
        return etag;
    }

    private sealed class Lease(MemoryObjectStore store, string name, TimeSpan duration) : IObjectLease
    {
        public string Name => name;

        public Task RenewAsync(CancellationToken cancellationToken = default)
        {
            lock (store._gate)
            {
                store._leases[name] = DateTimeOffset.UtcNow + duration;
            }
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            lock (store._gate)
            {
                store._leases.Remove(name);
            }
            return ValueTask.CompletedTask;
        }
    }
}
