using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LiftPipeline.Pipeline.Storage;

/// <summary>
/// What changes whenever a file's content may have changed: its length and write time, and on Linux its inode and
/// status-change time (ctime, which no user call can set back, unlike the write time that <c>touch -r</c>, <c>rsync -t</c> or
/// <c>cp -p</c> restore). Elsewhere the creation time stands in for the last two. Equal stamps mean the cached content
/// hash still holds.
/// </summary>
/// <param name="Length">Bytes.</param>
/// <param name="Written">Last write time (UTC).</param>
/// <param name="Changed">Status-change time in nanoseconds since the epoch on Linux, else creation time ticks.</param>
/// <param name="Inode">The inode number on Linux, else 0.</param>
internal readonly record struct FileStamp(long Length, DateTime Written, long Changed, ulong Inode)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxIno = 0x100;
    private const uint StatxCtime = 0x80;
    private const int StatxSize = 256;
    private const int InoOffset = 32;
    private const int CtimeOffset = 96;

    private static bool s_statx = OperatingSystem.IsLinux();

    /// <summary>The stamp of the file <paramref name="info"/> describes (refreshed first).</summary>
    public static FileStamp Of(FileInfo info)
    {
        var (length, written) = (info.Length, info.LastWriteTimeUtc);
        if (s_statx)
        {
            var buffer = new byte[StatxSize];
            try
            {
                if (Statx(AtFdCwd, info.FullName, AtSymlinkNoFollow, StatxIno | StatxCtime, buffer) == 0)
                {
                    var ctime = BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(CtimeOffset)) * 1_000_000_000L
                        + BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(CtimeOffset + 8));
                    return new FileStamp(length, written, ctime, BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(InoOffset)));
                }
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                s_statx = false;   // a libc without statx (glibc before 2.28): fall back for the rest of the process
            }
        }
        return new FileStamp(length, written, info.CreationTimeUtc.Ticks, 0);
    }

    // statx(2): a fixed 256-byte struct on every Linux architecture (stx_ino at 32, stx_ctime {s64 sec, u32 nsec} at 96).
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
