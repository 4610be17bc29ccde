namespace LiftPipeline.Ingestion.ParquetFormat;

/// <summary>Where a column chunk lies and what its footer says it holds.</summary>
/// <param name="Start">First byte: the dictionary page if any, else the first data page.</param>
/// <param name="Size">total_compressed_size: bytes of all its pages, headers included.</param>
/// <param name="Values">num_values: values (levels) over all its data pages.</param>
/// <param name="UncompressedSize">total_uncompressed_size, 0 when a writer left it out.</param>
/// <param name="Codec">Compression codec, as in the specification (1 = SNAPPY).</param>
internal readonly record struct ParquetChunkRange(long Start, long Size, long Values, long UncompressedSize, long Codec);

/// <summary>A well-formed page (or footer) larger than the reader allows: <see cref="What"/> and its <see cref="Bytes"/>.</summary>
internal sealed class ParquetPageTooLargeException(string what, long bytes) : Exception($"{what} {bytes} bytes")
{
    public string What { get; } = what;

    public long Bytes { get; } = bytes;
}

/// <summary>
/// Walks the page headers of a column chunk before Parquet.Net decodes it, with our hardened Thrift reader:
/// each header must be well typed (see <see cref="ThriftShape"/>), each page must lie inside the data, and the
/// sizes and counts that decoding allocates by must be plausible. A damaged chunk then fails with a clear reason
/// instead of sending the decoder after garbage lengths (hundreds of megabytes for an 11 KB file) or in circles.
/// Reads only the headers, not the pages.
/// </summary>
internal static class ParquetPageScanner
{
    private const int DataPage = 0;
    private const int IndexPage = 1;
    private const int DictionaryPage = 2;
    private const int DataPageV2 = 3;
    private const int FirstWindow = 1 << 10;
    private const long Snappy = 1;

    /// <summary>Throws <see cref="ParquetFormatException"/> when a page header of the chunk is damaged or inconsistent.</summary>
    /// <param name="flat">True for columns with no repetition: then every value is a row and counts are bounded by <paramref name="rows"/>.</param>
    /// <param name="maxPageBytes">The most bytes a page may decompress to; a larger one throws <see cref="ParquetPageTooLargeException"/>.</param>
    /// <param name="dataLength">Where the footer starts. Pages may run past the chunk's declared size (parquet-mr once left
    /// the dictionary page out of it, PARQUET-816) but never into the footer.</param>
    public static async ValueTask CheckAsync(Stream stream, ParquetChunkRange chunk, long dataLength, long rows, bool flat, long maxPageBytes, CancellationToken cancellationToken)
    {
        if (chunk.Values < 0 || chunk.Values > int.MaxValue || (flat && chunk.Values != rows))
        {
            throw new ParquetFormatException($"the chunk declares {chunk.Values} values for {rows} rows");
        }
        long end = dataLength;
        long position = chunk.Start;
        long values = 0;
        var window = new byte[FirstWindow];
        while (values < chunk.Values)
        {
            if (position >= end)
            {
                throw new ParquetFormatException($"its pages hold {values} of the {chunk.Values} values the footer declares, then the data ends at byte {end}");
            }
            var (header, headerLength) = await ReadHeaderAsync(stream, position, end, window, cancellationToken).ConfigureAwait(false);
            string where = $"page at byte {position}";
            ThriftShape.PageHeader.Check(header, where);
            long type = header.GetInt(1) ?? -1;
            long uncompressed = header.GetInt(2) ?? -1;
            long compressed = header.GetInt(3) ?? -1;
            if (compressed < 0 || uncompressed < 0)
            {
                throw new ParquetFormatException($"{where}: page sizes {compressed} (compressed) and {uncompressed} (uncompressed) are not valid");
            }
            if (uncompressed > maxPageBytes)
            {
                throw new ParquetPageTooLargeException($"page at byte {position} decompresses to", uncompressed);
            }
            long pageEnd = position + headerLength + compressed;
            if (pageEnd > end)
            {
                throw new ParquetFormatException($"{where}: its {compressed} bytes run past the end of the data at byte {end}");
            }
            if (chunk.UncompressedSize > 0 && uncompressed > chunk.UncompressedSize)
            {
                throw new ParquetFormatException($"{where}: {uncompressed} bytes uncompressed, more than the whole chunk's {chunk.UncompressedSize}");
            }
            long levelBytes = 0;
            switch (type)
            {
                case DataPage:
                    values += CheckCount(header.GetStruct(5), 1, "data page header", where, flat ? rows : int.MaxValue);
                    break;
                case DataPageV2:
                    var v2 = header.GetStruct(8);
                    long count = CheckCount(v2, 1, "data page v2 header", where, flat ? rows : int.MaxValue);
                    long nulls = v2!.GetInt(2) ?? 0;
                    long pageRows = v2.GetInt(3) ?? 0;
                    levelBytes = (v2.GetInt(5) ?? 0) + (v2.GetInt(6) ?? 0);
                    if (nulls < 0 || nulls > count || pageRows < 0 || pageRows > rows || (v2.GetInt(5) ?? 0) < 0 || (v2.GetInt(6) ?? 0) < 0 || levelBytes > compressed)
                    {
                        throw new ParquetFormatException($"{where}: {nulls} nulls, {pageRows} rows and {levelBytes} level bytes do not fit a page of {count} values and {compressed} bytes");
                    }
                    values += count;
                    break;
                case DictionaryPage:
                    // Every dictionary encoding spends at least a byte per value, and the decoder sizes its array by the count.
                    long entries = CheckCount(header.GetStruct(7), 1, "dictionary page header", where, int.MaxValue);
                    if (entries > uncompressed)
                    {
                        throw new ParquetFormatException($"{where}: the dictionary declares {entries} values in {uncompressed} bytes");
                    }
                    break;
                case IndexPage:
                    break;
                default:
                    throw new ParquetFormatException($"{where}: unknown page type {type}");
            }
            bool compressedBody = type is DataPage or DictionaryPage || (type == DataPageV2 && header.GetStruct(8)!.GetBool(7) != false);
            if (chunk.Codec == Snappy && compressedBody && compressed > levelBytes)
            {
                await CheckSnappyLengthAsync(stream, position + headerLength + levelBytes, uncompressed - levelBytes, where, cancellationToken).ConfigureAwait(false);
            }
            if (flat && values > rows)
            {
                throw new ParquetFormatException($"{where}: the pages hold more values ({values}) than the row group has rows ({rows})");
            }
            position = pageEnd;
        }
    }

    // A Snappy block starts with its uncompressed length, and the decompressor allocates by it, not by the page header.
    private static async ValueTask CheckSnappyLengthAsync(Stream stream, long position, long expected, string where, CancellationToken cancellationToken)
    {
        var bytes = new byte[5];
        stream.Position = position;
        int read = await stream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        long length = 0;
        for (int i = 0, shift = 0; ; i++, shift += 7)
        {
            if (i >= read)
            {
                throw new ParquetFormatException($"{where}: the Snappy block has no valid length");
            }
            length |= (long)(bytes[i] & 0x7F) << shift;
            if ((bytes[i] & 0x80) == 0)
            {
                break;
            }
        }
        if (length != expected)
        {
            throw new ParquetFormatException($"{where}: the Snappy block holds {length} bytes, the page header says {expected}");
        }
    }

    private static long CheckCount(ThriftStruct? header, short id, string what, string where, long limit)
    {
        long count = header?.GetInt(id) ?? throw new ParquetFormatException($"{where}: the {what} is missing or has no value count");
        if (count < 0 || count > limit)
        {
            throw new ParquetFormatException($"{where}: the {what} declares {count} values{(limit < int.MaxValue ? $", the row group has {limit} rows" : "")}");
        }
        return count;
    }

    // Headers are small, but statistics can make them long: read a window, and widen it when the header runs past.
    private static async ValueTask<(ThriftStruct Header, int Length)> ReadHeaderAsync(Stream stream, long position, long end, byte[] window, CancellationToken cancellationToken)
    {
        while (true)
        {
            int length = (int)Math.Min(window.Length, end - position);
            stream.Position = position;
            await stream.ReadExactlyAsync(window.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            var reader = new ThriftCompactReader(length == window.Length ? window : window[..length]);
            try
            {
                return (reader.ReadStruct(), reader.Position);
            }
            catch (ThriftFormatException) when (length == window.Length && length < end - position)
            {
                window = new byte[(int)Math.Min((long)window.Length * 4, end - position)];
            }
            catch (ThriftFormatException e)
            {
                throw new ParquetFormatException($"the page header at byte {position} is damaged: {e.Message}");
            }
        }
    }
}
