using System.Collections.Concurrent;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Faults;

/// <summary>The exception an <see cref="InjectedStore"/> throws to simulate kill -9; nothing in the pipeline catches it.</summary>
internal sealed class SimulatedCrashException(string message) : Exception(message);

/// <summary>
/// A real store with fault injection: counts every write (create, write, delete) and, when <see cref="CrashAtWrite"/>
/// is reached, throws <see cref="SimulatedCrashException"/> instead of making it — and every call after that throws
/// too, as a killed process makes no more calls. Also records which objects were read or listed.
/// </summary>
internal sealed class InjectedStore(IObjectStore inner) : IObjectStore
{
    private int _writes;
    private volatile bool _crashed;

    /// <summary>1-based index of the write that "kills" the process; 0 for none.</summary>
    public int CrashAtWrite { get; init; }

    public int Writes => _writes;

    public bool Crashed => _crashed;

    /// <summary>Every name read and every prefix listed, in order.</summary>
    public ConcurrentQueue<string> Touched { get; } = new();

    public string Description => inner.Description;

    public Task<ObjectContent?> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        Alive();
        Touched.Enqueue(name);
        return inner.ReadAsync(name, cancellationToken);
    }

    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        Alive();
        Touched.Enqueue(name);
        return inner.OpenReadAsync(name, cancellationToken);
    }

    public Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        Write(name);
        return inner.TryCreateAsync(name, content, cancellationToken);
    }

    public Task<bool> TryCreateAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        Write(name);
        return inner.TryCreateAsync(name, content, cancellationToken);
    }

    public Task<string> WriteAsync(string name, ReadOnlyMemory<byte> content, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        Write(name);
        return inner.WriteAsync(name, content, ifMatch, cancellationToken);
    }

    public Task<StoredObject?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        Alive();
        Touched.Enqueue(name);
        return inner.GetAsync(name, cancellationToken);
    }

    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        Alive();
        Touched.Enqueue(prefix);
        return inner.ListAsync(prefix, cancellationToken);
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        Write(name);
        return inner.DeleteAsync(name, cancellationToken);
    }

    public Task<IObjectLease?> TryAcquireLeaseAsync(string name, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        Alive();
        return inner.TryAcquireLeaseAsync(name, duration, cancellationToken);
    }

    private void Write(string name)
    {
        Alive();
        if (Interlocked.Increment(ref _writes) == CrashAtWrite)
        {
            _crashed = true;
            throw new SimulatedCrashException($"killed at write {CrashAtWrite} ({name})");
        }
    }

    private void Alive()
    {
        if (_crashed)
        {
            throw new SimulatedCrashException("the process was killed");
        }
    }
}
