using System.Security.Cryptography;

namespace LiftPipeline.Pipeline.Storage;

/// <summary>
/// Copies a stream into a local file, seeking over all-zero 64 KiB blocks instead of writing them, so a sparse export
/// (a 1.5 GB file of holes) stays sparse on disk when it is copied into the store or to a local work file.
/// </summary>
internal static class SparseCopy
{
    /// <summary>The block that is skipped when all of it is zero (a multiple of every common file system block).</summary>
    public const int BlockSize = 64 * 1024;

    /// <summary>Copies <paramref name="source"/> to its end into <paramref name="target"/>, hashing every byte into <paramref name="hash"/> when given.</summary>
    /// <returns>The number of bytes copied.</returns>
    public static async Task<long> CopyAsync(Stream source, FileStream target, IncrementalHash? hash, CancellationToken cancellationToken)
    {
        var block = new byte[BlockSize];
        long copied = 0;
        int filled;
        while ((filled = await FillAsync(source, block, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var data = block.AsMemory(0, filled);
            hash?.AppendData(data.Span);
            if (filled == BlockSize && !data.Span.ContainsAnyExcept((byte)0))
            {
                target.Seek(filled, SeekOrigin.Current);
            }
            else
            {
                await target.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }
            copied += filled;
        }
        target.SetLength(target.Position);   // a trailing hole still counts toward the length
        return copied;
    }

    /// <summary>Reads until <paramref name="block"/> is full or the stream ends (network streams return short reads).</summary>
    private static async Task<int> FillAsync(Stream source, byte[] block, CancellationToken cancellationToken)
    {
        int filled = 0;
        int read;
        while (filled < block.Length && (read = await source.ReadAsync(block.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
        {
            filled += read;
        }
        return filled;
    }
}
