using System.Globalization;

namespace LiftPipeline.Pipeline.Storage;

/// <summary>
/// A lease held by <see cref="FolderStore"/>: the file <c>{object}~lease</c> holds the owner id and the expiry (UTC,
/// round-trip format) on two lines. Acquire, renew and release run under the object's <see cref="FolderLock"/>, so an
/// expired lease is taken over by exactly one contender. The lease file is checked without following links and replaced
/// by rename, so a link planted at its path is refused and never written through.
/// </summary>
internal sealed class FolderLease : IObjectLease
{
    private readonly string _objectPath;
    private readonly string _lockPath;
    private readonly string _leasePath;
    private readonly string _owner;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _clock;
    private int _released;

    private FolderLease(string name, string objectPath, string lockPath, string owner, TimeSpan duration, TimeProvider clock)
    {
        Name = name;
        _objectPath = objectPath;
        _lockPath = lockPath;
        _leasePath = LeasePathOf(objectPath);
        _owner = owner;
        _duration = duration;
        _clock = clock;
    }

    public string Name { get; }

    /// <summary>Takes the lease if nobody holds it or the holder's lease has expired; otherwise null.</summary>
    public static async Task<FolderLease?> TryAcquireAsync(string name, string objectPath, string lockPath, TimeSpan duration, TimeProvider clock, CancellationToken cancellationToken)
    {
        var lease = new FolderLease(name, objectPath, lockPath, Guid.NewGuid().ToString("N"), duration, clock);
        await using var held = await FolderLock.AcquireAsync(name, lockPath, cancellationToken).ConfigureAwait(false);
        var current = await ReadAsync(name, lease._leasePath, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            await lease.WriteAsync(FileMode.CreateNew, cancellationToken).ConfigureAwait(false);
            return lease;
        }
        if (current.Value.Expiry > clock.GetUtcNow())
        {
            return null;
        }
        await lease.WriteAsync(FileMode.Create, cancellationToken).ConfigureAwait(false);
        return lease;
    }

    /// <inheritdoc />
    /// <exception cref="ObjectStoreException"><see cref="ObjectStoreException.PreconditionFailed"/> when the lease expired and someone else took it.</exception>
    public async Task RenewAsync(CancellationToken cancellationToken = default)
    {
        await using var held = await FolderLock.AcquireAsync(Name, _lockPath, cancellationToken).ConfigureAwait(false);
        var current = await ReadAsync(Name, _leasePath, cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _released) != 0 || current is null || current.Value.Owner != _owner)
        {
            throw new ObjectStoreException(ObjectStoreException.PreconditionFailed, Name,
                "the lease was released or taken over by another owner after it expired; acquire it again");
        }
        await WriteAsync(FileMode.Create, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Releases the lease if this owner still holds it; a lease already taken over is left alone.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }
        await using var held = await FolderLock.AcquireAsync(Name, _lockPath, CancellationToken.None).ConfigureAwait(false);
        var current = await ReadAsync(Name, _leasePath, CancellationToken.None).ConfigureAwait(false);
        if (current is not null && current.Value.Owner == _owner)
        {
            File.Delete(_leasePath);
        }
    }

    private static string LeasePathOf(string objectPath) => objectPath + FolderStore.SideFileMarker + "lease";

    private async Task WriteAsync(FileMode mode, CancellationToken cancellationToken)
    {
        var expiry = _clock.GetUtcNow() + _duration;
        var text = _owner + "\n" + expiry.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) + "\n";
        // Written to a fresh temp file (CreateNew follows no link) and renamed over the lease: a rename replaces a planted
        // link itself instead of writing through it. FileMode.CreateNew on a new lease keeps "exactly one creator".
        var temp = $"{_leasePath}{FolderStore.SideFileMarker}{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
            File.Move(temp, _leasePath, overwrite: mode != FileMode.CreateNew);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The lease file's owner and expiry, or null when there is none.</summary>
    /// <exception cref="ObjectStoreException">Code <see cref="ObjectStoreException.NotAFile"/> when a link or special file sits at the lease's path.</exception>
    private static async Task<(string Owner, DateTimeOffset Expiry)?> ReadAsync(string name, string leasePath, CancellationToken cancellationToken)
    {
        if (FolderEntry.RequireFileOrMissing(name, leasePath) == FolderEntryKind.Missing)
        {
            return null;
        }
        string[] lines;
        try
        {
            lines = await File.ReadAllLinesAsync(leasePath, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        // An unreadable lease file (e.g. a crash mid-write) counts as expired, so it cannot block the object forever.
        return lines.Length >= 2 && DateTimeOffset.TryParse(lines[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiry)
            ? (lines[0], expiry)
            : (lines.Length >= 1 ? lines[0] : "", DateTimeOffset.MinValue);
    }
}
