using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace LiftPipeline.Pipeline.Storage;

/// <summary>
/// The local default <see cref="IObjectStore"/>: each object is a file under <see cref="Root"/>, its name the relative
/// path. Writes go to a temp file in the same directory and are renamed into place, so readers see all or nothing.
/// ETags are the SHA-256 hex of the content (identical bytes, identical ETag). Conditional writes, deletes and leases
/// serialise on a lock file per object (an exclusive OS file lock on <c>~locks/{hh}/{sha256 of the name}</c>, kept apart
/// from the objects) so they are safe between threads and between processes on one machine; a delete removes the
/// folders it leaves empty, so settled work leaves nothing for later listings to walk. Side files (<c>~locks/</c>,
/// <c>{name}~lease</c>, <c>{name}~…tmp</c>) contain '~', which no valid object name can, so they never collide with
/// objects and are never listed. The store never leaves <see cref="Root"/>: every
/// folder on an object's path, the object and its side files are checked without following links (lstat), and a
/// symbolic link or a FIFO, socket or device there is refused (<see cref="ObjectStoreException.NotAFile"/>) rather than
/// followed or opened; listings skip links and show special files (length 0, empty ETag) so a run can report them.
/// Side files are created with CreateNew (which never follows a planted link) and replaced by rename. The checks run
/// before each open, so a link swapped in between check and open by someone who can write the store is not caught.
/// Streams are written sparsely (all-zero 64 KiB blocks become holes). Opening the store deletes <c>~…tmp</c> files of
/// crashed writers older than an hour (in a store of a thousand files or more, at most once a day, recorded in
/// <c>~swept</c>). Thread-safe.
/// </summary>
public sealed class FolderStore : IObjectStore
{
    internal const char SideFileMarker = '~';

    /// <summary>The folder under the root holding every object's lock file (contains '~', so never an object name).</summary>
    internal const string LocksFolder = "~locks";

    /// <summary>A temp file older than this was left by a crashed writer: no write takes an hour between create and rename.</summary>
    internal static readonly TimeSpan LeftoverAge = TimeSpan.FromHours(1);

    /// <summary>The sweep for leftovers looks at no more entries than this, so opening a huge store stays cheap.</summary>
    private const int LeftoverSweepLimit = 100_000;

    /// <summary>The side file at the root whose write time records the last sweep of leftovers.</summary>
    private const string SweepMarker = "~swept";

    /// <summary>Files a sweep must walk before it is recorded (smaller stores are cheap to walk at every open).</summary>
    private const int SweepMarkerThreshold = 1_000;

    /// <summary>How often opening a large store sweeps it for leftovers.</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromDays(1);

    private readonly string _rootWithSeparator;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (FileStamp Stamp, string ETag)> _etagCache = new(StringComparer.Ordinal);

    /// <summary>Opens (and creates if missing) the store rooted at <paramref name="root"/>, removing temp files crashed writers left.</summary>
    /// <param name="root">The folder holding the objects.</param>
    /// <param name="clock">The clock lease expiry is read from; defaults to the system clock.</param>
    public FolderStore(string root, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        _rootWithSeparator = Path.EndsInDirectorySeparator(Root) ? Root : Root + Path.DirectorySeparatorChar;
        _clock = clock ?? TimeProvider.System;
        Directory.CreateDirectory(Root);
        RemoveLeftovers();
    }

    /// <summary>The folder holding the objects (a full path).</summary>
    public string Root { get; }

    /// <inheritdoc />
    public string Description => Root;

    /// <inheritdoc />
    public async Task<ObjectContent?> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        try
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            return new ObjectContent(name, bytes, ETagOf(bytes));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException || Directory.Exists(path))
        {
            return null; // a folder of other objects is not an object (as in blob storage)
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(name, "read", path, ex);
        }
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // FileShare.Delete lets writers rename a new version over the file while this reader keeps the old one.
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.Asynchronous);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException || Directory.Exists(path))
        {
            return Task.FromResult<Stream?>(null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(name, "open", path, ex);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        TryCreateAsync(name, (target, ct) => target.WriteAsync(content, ct).AsTask(), cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryCreateAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return TryCreateAsync(name, (target, ct) => SparseCopy.CopyAsync(content, target, null, ct), cancellationToken);
    }

    private async Task<bool> TryCreateAsync(string name, Func<FileStream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        var temp = await WriteTempAsync(name, path, write, cancellationToken).ConfigureAwait(false);
        try
        {
            // File.Move without overwrite may check-then-rename on some file systems (two creators both win), so creators
            // take the same per-object lock as writers: of concurrent creators exactly one wins.
            await using var held = await FolderLock.AcquireAsync(name, LockPathOf(name), cancellationToken).ConfigureAwait(false);
            if (File.Exists(path))
            {
                return false;
            }
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(name, "create", path, ex);
        }
        finally
        {
            DeleteQuietly(temp);
        }
    }

    /// <inheritdoc />
    public async Task<string> WriteAsync(string name, ReadOnlyMemory<byte> content, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        var temp = await WriteTempAsync(name, path, content, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var held = await FolderLock.AcquireAsync(name, LockPathOf(name), cancellationToken).ConfigureAwait(false);
            if (ifMatch is not null)
            {
                var current = await CurrentETagAsync(name, path, cancellationToken).ConfigureAwait(false);
                if (!string.Equals(current, ifMatch, StringComparison.Ordinal))
                {
                    throw new ObjectStoreException(ObjectStoreException.PreconditionFailed, name,
                        current is null
                            ? $"expected ETag {ifMatch} but the object no longer exists; read it again and retry"
                            : $"expected ETag {ifMatch} but the object is now at {current}; read it again and retry");
                }
            }
            File.Move(temp, path, overwrite: true);
            return ETagOf(content.Span);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(name, "write", path, ex);
        }
        finally
        {
            DeleteQuietly(temp);
        }
    }

    /// <inheritdoc />
    public async Task<StoredObject?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? await DescribeAsync(name, info, cancellationToken).ConfigureAwait(false) : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(name, "inspect", path, ex);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectName.ValidatePrefix(prefix);
        // Only the folder holding the prefix's last complete segment can contain matches.
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? Root : PathOf(prefix[..slash]);
        if (!Directory.Exists(start))
        {
            yield break;
        }
        var names = new List<(string Name, FileInfo Info)>();
        foreach (var file in FilesUnder(start, int.MaxValue))
        {
            var name = Path.GetRelativePath(Root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            // Names outside the rules are listed too (as blob storage lists them): callers report them instead of missing them.
            if (name.StartsWith(prefix, StringComparison.Ordinal) && !name.Contains(SideFileMarker))
            {
                names.Add((name, file));
            }
        }
        names.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var (name, info) in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            StoredObject? described;
            try
            {
                described = FolderEntry.KindOf(info.FullName) == FolderEntryKind.Special
                    ? new StoredObject(name, 0, "", new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero))   // listed so a run reports it; never opened
                    : await DescribeAsync(name, info, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                described = null; // deleted while listing
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw Unavailable(name, "list", info.FullName, ex);
            }
            if (described is not null)
            {
                yield return described;
            }
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        if (!Directory.Exists(Path.GetDirectoryName(path)))
        {
            return;
        }
        try
        {
            await using var held = await FolderLock.AcquireAsync(name, LockPathOf(name), cancellationToken).ConfigureAwait(false);
            File.Delete(path);
            _etagCache.TryRemove(path, out _);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(name, "delete", path, ex);
        }
        RemoveEmptyFolders(Path.GetDirectoryName(path)!);
    }

    /// <summary>
    /// Removes <paramref name="folder"/> and its parents below the root while they are empty, so deleted objects (settled
    /// outbox entries) leave nothing that later listings walk. A writer that meanwhile needs the folder creates it again.
    /// </summary>
    private void RemoveEmptyFolders(string folder)
    {
        while (folder.StartsWith(_rootWithSeparator, StringComparison.Ordinal) && folder.Length > _rootWithSeparator.Length)
        {
            try
            {
                if (FolderEntry.KindOf(folder) != FolderEntryKind.Folder || Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    return;
                }
                Directory.Delete(folder, recursive: false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return;   // not empty after all (a writer arrived), or not ours to remove
            }
            folder = Path.GetDirectoryName(folder)!;
        }
    }

    /// <summary>
    /// The lock file of object <paramref name="name"/>: <c>~locks/{hh}/{sha256 of the name}</c> under the root, apart from
    /// the objects so that deletes can remove emptied folders; its folders are refused if they are links.
    /// </summary>
    private string LockPathOf(string name)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)));
        var folder = Path.Combine(Root, LocksFolder);
        foreach (var part in new[] { folder, Path.Combine(folder, hash[..2]) })
        {
            var kind = FolderEntry.KindOf(part);
            if (kind is FolderEntryKind.Link or FolderEntryKind.Special)
            {
                throw FolderEntry.Refused(name, part, kind);
            }
        }
        return Path.Combine(folder, hash[..2], hash);
    }


    /// <inheritdoc />
    /// <remarks>
    /// The lease lives in <c>{name}~lease</c> (owner id and expiry); an expired lease may be taken over. Durations
    /// must be positive. Leases do not block writes here; the Azure store refuses writes to a leased blob, so lease a
    /// dedicated marker object rather than the data you write.
    /// </remarks>
    public async Task<IObjectLease?> TryAcquireLeaseAsync(string name, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        await TryCreateAsync(name, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        try
        {
            return await FolderLease.TryAcquireAsync(name, path, LockPathOf(name), duration, _clock, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(name, "lease", path, ex);
        }
    }

    /// <summary>The object's ETag: lower-case SHA-256 hex of its content.</summary>
    public static string ETagOf(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>
    /// Maps a validated name to its file, refusing anything that would resolve outside the root: a name that climbs out,
    /// a link at any folder on the way or at the object itself, or a special file.
    /// </summary>
    private string PathOf(string name)
    {
        ObjectName.Validate(name);
        var full = Path.GetFullPath(Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(_rootWithSeparator, StringComparison.Ordinal))
        {
            throw new ObjectStoreException(ObjectStoreException.InvalidName, name, $"resolves outside the store root {Root}");
        }
        for (int end = full.IndexOf(Path.DirectorySeparatorChar, _rootWithSeparator.Length); ; end = full.IndexOf(Path.DirectorySeparatorChar, end + 1))
        {
            var part = end < 0 ? full : full[..end];
            var kind = FolderEntry.KindOf(part);
            if (kind is FolderEntryKind.Link or FolderEntryKind.Special)
            {
                throw FolderEntry.Refused(name, part, kind);
            }
            if (kind == FolderEntryKind.Missing || end < 0)
            {
                return full;
            }
        }
    }

    /// <summary>Creates the temp file and its folder; again if a concurrent delete removed the folder as it emptied.</summary>
    private static FileStream CreateTemp(string temp)
    {
        for (int attempt = 0; ; attempt++)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
            try
            {
                return new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            }
            catch (DirectoryNotFoundException) when (attempt < 5)
            {
                // removed between creating it and opening the file: create it again
            }
        }
    }

    /// <summary>Files under <paramref name="start"/> (up to <paramref name="limit"/> entries seen), never entering or returning a link.</summary>
    private static IEnumerable<FileInfo> FilesUnder(string start, int limit)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = true };
        var folders = new Stack<DirectoryInfo>();
        folders.Push(new DirectoryInfo(start));
        while (folders.Count > 0)
        {
            var folder = folders.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = folder.EnumerateFileSystemInfos("*", options);
            }
            catch (DirectoryNotFoundException)
            {
                continue;   // deleted while listing
            }
            foreach (var entry in entries)
            {
                if (--limit < 0)
                {
                    yield break;
                }
                if (entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
                {
                    continue;   // a link is never followed nor listed: its target is outside what the store owns
                }
                if (entry is DirectoryInfo sub)
                {
                    if (sub.Name != LocksFolder)
                    {
                        folders.Push(sub);   // the lock files are neither objects nor leftovers
                    }
                }
                else
                {
                    yield return (FileInfo)entry;
                }
            }
        }
    }

    /// <summary>Deletes <c>~…tmp</c> files older than <see cref="LeftoverAge"/> (a concurrent writer's fresh temp file is kept).</summary>
    private void RemoveLeftovers()
    {
        // A store large enough for the walk to cost something is swept at most once a day, recorded in ~swept, so opening
        // it costs time in proportion to what changed, not to everything it has ever held. Small stores are walked each time.
        var now = _clock.GetUtcNow().UtcDateTime;
        var marker = Path.Combine(Root, SweepMarker);
        var kind = FolderEntry.KindOf(marker);
        if (kind is FolderEntryKind.Link or FolderEntryKind.Special or FolderEntryKind.Folder
            || (kind == FolderEntryKind.File && File.GetLastWriteTimeUtc(marker) > now - SweepInterval))
        {
            return;
        }
        var before = now - LeftoverAge;
        int seen = 0;
        foreach (var file in FilesUnder(Root, LeftoverSweepLimit))
        {
            seen++;
            if (file.Name.Contains(SideFileMarker, StringComparison.Ordinal) && file.Name.EndsWith(".tmp", StringComparison.Ordinal)
                && file.LastWriteTimeUtc < before)
            {
                DeleteQuietly(file.FullName);
            }
        }
        if (seen < SweepMarkerThreshold)
        {
            return;
        }
        try
        {
            if (kind == FolderEntryKind.Missing)
            {
                using (new FileStream(marker, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                }
            }
            File.SetLastWriteTimeUtc(marker, now);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another process recorded its sweep, or the root is read-only: the next open sweeps again.
        }
    }

    private Task<string> WriteTempAsync(string name, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        WriteTempAsync(name, path, (target, ct) => target.WriteAsync(content, ct).AsTask(), cancellationToken);

    private async Task<string> WriteTempAsync(string name, string path, Func<FileStream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var temp = $"{path}{SideFileMarker}{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = CreateTemp(temp))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            return temp;
        }
        catch (Exception ex)
        {
            DeleteQuietly(temp);
            if (ex is IOException or UnauthorizedAccessException)
            {
                throw Unavailable(name, "write", path, ex);
            }
            throw;
        }
    }

    private static async Task<string?> CurrentETagAsync(string name, string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.Asynchronous);
            var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return Convert.ToHexStringLower(hash);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw Unavailable(name, "read", path, ex);
        }
    }

    /// <summary>
    /// Properties from the file; the content hash is cached per <see cref="FileStamp"/> (length, write time, inode and
    /// change time) so listings stay cheap, and a rewrite that restores the length and write time is still seen.
    /// </summary>
    private async Task<StoredObject?> DescribeAsync(string name, FileInfo info, CancellationToken cancellationToken)
    {
        var stamp = FileStamp.Of(info);
        if (!_etagCache.TryGetValue(info.FullName, out var cached) || cached.Stamp != stamp)
        {
            var etag = await CurrentETagAsync(name, info.FullName, cancellationToken).ConfigureAwait(false);
            if (etag is null)
            {
                return null;
            }
            cached = (stamp, etag);
            _etagCache[info.FullName] = cached;
        }
        return new StoredObject(name, stamp.Length, cached.ETag, new DateTimeOffset(stamp.Written, TimeSpan.Zero));
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temp file carries '~' and is never listed as an object.
        }
    }

    private static ObjectStoreException Unavailable(string name, string action, string path, Exception inner) =>
        new(ObjectStoreException.Unavailable, name, $"could not {action} {path}: {inner.Message}", inner);
}
