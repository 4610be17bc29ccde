using System.Runtime.InteropServices;

namespace LiftPipeline.Pipeline.Storage;

/// <summary>What a path is, read without following a link at its end (lstat).</summary>
internal enum FolderEntryKind
{
    /// <summary>Nothing is there.</summary>
    Missing,

    /// <summary>A regular file: the only thing the store reads as an object.</summary>
    File,

    /// <summary>A real folder (not a link to one).</summary>
    Folder,

    /// <summary>A symbolic link (or Windows reparse point) to anything, dangling included.</summary>
    Link,

    /// <summary>A FIFO, socket or device: opening one can block forever, so it is never opened.</summary>
    Special,
}

/// <summary>
/// lstat for <see cref="FolderStore"/>: links are seen through <see cref="FileSystemInfo.LinkTarget"/> and the reparse-point
/// attribute; on Unix the file type comes from the runtime's own native shim (SystemNative_LStat, whose FileStatus struct
/// is fixed by .NET, not by the C library), because .NET exposes no way to tell a FIFO from a regular file without opening it.
/// </summary>
internal static class FolderEntry
{
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int FolderType = 0x4000;
    private const int LinkType = 0xA000;

    /// <summary>What <paramref name="path"/> is, without following a link at its end.</summary>
    public static FolderEntryKind KindOf(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            if (LStat(path, out var status) != 0)
            {
                return FolderEntryKind.Missing;
            }
            return (status.Mode & TypeMask) switch
            {
                RegularType => FolderEntryKind.File,
                FolderType => FolderEntryKind.Folder,
                LinkType => FolderEntryKind.Link,
                _ => FolderEntryKind.Special,
            };
        }
        var info = new FileInfo(path);
        if (!info.Exists && !Directory.Exists(path) && info.LinkTarget is null)
        {
            return FolderEntryKind.Missing;
        }
        if (info.Attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            return FolderEntryKind.Link;
        }
        return info.Attributes.HasFlag(FileAttributes.Directory) ? FolderEntryKind.Folder : FolderEntryKind.File;
    }

    /// <summary>
    /// Throws unless <paramref name="path"/> is missing or a regular file: the check for side files (<c>~lock</c>,
    /// <c>~lease</c>) before they are opened, so a planted link never redirects a write outside the store.
    /// </summary>
    /// <exception cref="ObjectStoreException">Code <see cref="ObjectStoreException.NotAFile"/>.</exception>
    public static FolderEntryKind RequireFileOrMissing(string name, string path)
    {
        var kind = KindOf(path);
        return kind is FolderEntryKind.Missing or FolderEntryKind.File ? kind : throw Refused(name, path, kind);
    }

    /// <summary>The one error for a path the store will not use: a link, a special file, or a folder where a file belongs.</summary>
    public static ObjectStoreException Refused(string name, string path, FolderEntryKind kind) =>
        new(ObjectStoreException.NotAFile, name, kind switch
        {
            FolderEntryKind.Link => $"{path} is a symbolic link; the store follows no links, so replace it with a real folder or file inside the store",
            FolderEntryKind.Folder => $"{path} is a folder where the store keeps a file; remove it",
            _ => $"{path} is not a regular file (a FIFO, socket or device) and is never opened; remove it and drop a regular file",
        });

    /// <summary>The leading fields of the runtime's FileStatus (pal_io.h); the rest is room the shim may fill.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct FileStatus
    {
        public int Flags;
        public int Mode;
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int LStat(string path, out FileStatus status);
}
