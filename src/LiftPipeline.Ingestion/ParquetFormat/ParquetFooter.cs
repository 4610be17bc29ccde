using System.Buffers.Binary;
using System.Text;

namespace LiftPipeline.Ingestion.ParquetFormat;

/// <summary>One leaf column of a Parquet file as its footer describes it.</summary>
/// <param name="Index">Position among the leaf columns, depth first.</param>
/// <param name="Name">Leaf name.</param>
/// <param name="Path">Dotted path from the root (equals <paramref name="Name"/> for flat columns).</param>
/// <param name="Type">Physical type and annotation.</param>
/// <param name="IsOptional">True when the column may hold nulls.</param>
/// <param name="IsNested">True for columns inside groups or repeated; exports use flat columns only.</param>
/// <param name="NullCount">Nulls over all row groups from the statistics, or null where a writer left them out.</param>
public sealed record ParquetColumnInfo(int Index, string Name, string Path, ParquetColumnType Type, bool IsOptional, bool IsNested, long? NullCount);

/// <summary>A Parquet file that is not well formed: bad magic, a footer that does not parse, chunks outside the file.</summary>
internal sealed class ParquetFormatException(string message) : Exception(message);

/// <summary>
/// The footer of a Parquet file, parsed by us rather than by Parquet.Net so that every annotation is known
/// (FLOAT16, nanosecond timestamps, INT96) and so that Parquet.Net can be handed a footer with the
/// annotations stripped: it then decodes pages to physical values, which we convert ourselves.
/// </summary>
internal sealed class ParquetFooter
{
    private static readonly byte[] Magic = "PAR1"u8.ToArray();
    private readonly byte[] _footerBytes;

    private ParquetFooter(long fileLength, byte[] footerBytes, ThriftStruct metadata)
    {
        FileLength = fileLength;
        _footerBytes = footerBytes;
        CreatedBy = metadata.GetBinary(6) is { } createdBy ? Encoding.UTF8.GetString(createdBy) : null;
        KeyValueMetadata = ReadKeyValues(metadata);
        Rows = metadata.GetInt(3) ?? throw new ParquetFormatException("the footer has no row count");
        if (Rows < 0)
        {
            throw new ParquetFormatException($"the footer declares {Rows} rows");
        }
        Columns = ParquetSchemaWalker.LeafColumns(metadata.GetList(2) ?? throw new ParquetFormatException("the footer has no schema"));
        (RowGroupRows, Codecs, var nullCounts) = ReadRowGroups(metadata);
        Columns = Columns.Select((c, i) => c with { NullCount = nullCounts[i] }).ToArray();
    }

    public long FileLength { get; }

    /// <summary>Bytes before the footer: the magic and all column chunks.</summary>
    public long DataLength => FileLength - _footerBytes.Length - 8;

    public string? CreatedBy { get; }

    /// <summary>The file's key-value metadata (FileMetaData field 5); a key without a value maps to "".</summary>
    public IReadOnlyDictionary<string, string> KeyValueMetadata { get; }

    public long Rows { get; }

    public IReadOnlyList<ParquetColumnInfo> Columns { get; }

    public IReadOnlyList<long> RowGroupRows { get; }

    /// <summary>Where each column chunk lies, by row group then column (filled by the range check when the footer is read).</summary>
    public ParquetChunkRange[][] Chunks { get; private set; } = [];

    /// <summary>Compression codecs used by any column chunk, in the specification's spelling.</summary>
    public IReadOnlyList<string> Codecs { get; }

    private static Dictionary<string, string> ReadKeyValues(ThriftStruct metadata)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in metadata.GetList(5)?.Items ?? [])
        {
            if (item is ThriftStruct pair && pair.GetBinary(1) is { } key)
            {
                values[Encoding.UTF8.GetString(key)] = pair.GetBinary(2) is { } value ? Encoding.UTF8.GetString(value) : "";
            }
        }
        return values;
    }

    /// <summary>
    /// Reads and checks the footer; throws <see cref="ParquetFormatException"/> when the file is not Parquet or is damaged,
    /// and <see cref="ParquetPageTooLargeException"/> when its footer is longer than <paramref name="maxFooterBytes"/> (before it is read).
    /// </summary>
    public static async Task<ParquetFooter> ReadAsync(Stream stream, long maxFooterBytes, CancellationToken cancellationToken)
    {
        long length = stream.Length;
        if (length < 12)
        {
            throw new ParquetFormatException($"the file is {length} bytes long, too short to be Parquet (at least 12)");
        }
        var head = new byte[4];
        var tail = new byte[8];
        stream.Position = 0;
        await stream.ReadExactlyAsync(head, cancellationToken).ConfigureAwait(false);
        stream.Position = length - 8;
        await stream.ReadExactlyAsync(tail, cancellationToken).ConfigureAwait(false);
        if (tail.AsSpan(4).SequenceEqual("PARE"u8))
        {
            throw new ParquetFormatException("the file is an encrypted Parquet file; export it without encryption");
        }
        if (!head.AsSpan().SequenceEqual(Magic) || !tail.AsSpan(4).SequenceEqual(Magic))
        {
            throw new ParquetFormatException("the file does not start and end with the Parquet magic bytes PAR1 (truncated, or not Parquet)");
        }
        long footerLength = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        if (footerLength == 0 || footerLength > length - 12)
        {
            throw new ParquetFormatException($"the footer length {footerLength} does not fit in a file of {length} bytes");
        }
        if (footerLength > maxFooterBytes)
        {
            throw new ParquetPageTooLargeException("the footer is", footerLength);
        }
        var footer = new byte[footerLength];
        stream.Position = length - 8 - footerLength;
        await stream.ReadExactlyAsync(footer, cancellationToken).ConfigureAwait(false);
        var parsed = Parse(footer);
        ThriftShape.FileMetaData.Check(parsed, "the footer");
        var result = new ParquetFooter(length, footer, parsed);
        result.CheckChunkRanges(parsed);
        return result;
    }

    /// <summary>
    /// The footer Parquet.Net is given: leaf annotations removed so pages decode to physical values,
    /// INT96 presented as 12-byte fixed-length arrays (its plain encoding is exactly that), and only the
    /// fields page decoding needs (those <see cref="ThriftShape"/> lists). Statistics, key-value metadata, page-index and bloom-filter pointers are
    /// left out: writers' extensions there (Dremio puts a struct where the specification has an i32)
    /// would otherwise derail the decoder's footer parser.
    /// </summary>
    public byte[] BuildDecodingFooter()
    {
        var metadata = Parse(_footerBytes);
        ThriftShape.FileMetaData.Prune(metadata);
        foreach (var item in metadata.GetList(2)!.Items)
        {
            var element = (ThriftStruct)item;
            if (element.GetInt(1) is not { } physical)
            {
                continue;
            }
            ThriftShape.SchemaElement.Prune(element);
            if (physical == (long)ParquetPhysicalType.Int96)
            {
                element.Set(1, ThriftType.I32, (long)ParquetPhysicalType.FixedLenByteArray);
                element.Set(2, ThriftType.I32, 12L);
            }
        }
        foreach (var group in metadata.GetList(4)?.Items ?? [])
        {
            ThriftShape.RowGroup.Prune((ThriftStruct)group);
        }
        foreach (var chunk in ColumnChunks(metadata))
        {
            ThriftShape.ColumnChunk.Prune(chunk);
            if (chunk.GetStruct(3) is not { } meta)
            {
                continue;
            }
            ThriftShape.ColumnMetaData.Prune(meta);
            if (meta.GetInt(1) == (long)ParquetPhysicalType.Int96)
            {
                meta.Set(1, ThriftType.I32, (long)ParquetPhysicalType.FixedLenByteArray);
            }
            // Some writers store dictionary_page_offset = 0 for "no dictionary"; 0 is the magic, never a page.
            if (meta.GetInt(11) == 0)
            {
                meta.Remove(11);
            }
        }
        return ThriftCompactWriter.Serialize(metadata);
    }

    private static ThriftStruct Parse(byte[] footer)
    {
        try
        {
            return new ThriftCompactReader(footer).ReadStruct();
        }
        catch (ThriftFormatException e)
        {
            throw new ParquetFormatException($"the footer is damaged: {e.Message}");
        }
    }

    private static IEnumerable<ThriftStruct> ColumnChunks(ThriftStruct metadata)
    {
        foreach (var group in metadata.GetList(4)?.Items ?? [])
        {
            foreach (var chunk in ((ThriftStruct)group).GetList(1)?.Items ?? [])
            {
                yield return (ThriftStruct)chunk;
            }
        }
    }

    private (long[] Rows, string[] Codecs, long?[] NullCounts) ReadRowGroups(ThriftStruct metadata)
    {
        var groups = metadata.GetList(4)?.Items ?? [];
        var rows = new long[groups.Count];
        var codecs = new SortedSet<string>(StringComparer.Ordinal);
        var nullCounts = new long?[Columns.Count];
        for (int c = 0; c < nullCounts.Length; c++)
        {
            nullCounts[c] = 0;
        }
        for (int g = 0; g < groups.Count; g++)
        {
            var group = groups[g] as ThriftStruct ?? throw new ParquetFormatException($"row group {g} is not a struct");
            rows[g] = group.GetInt(3) ?? throw new ParquetFormatException($"row group {g} has no row count");
            var chunks = group.GetList(1)?.Items ?? [];
            if (chunks.Count != Columns.Count)
            {
                throw new ParquetFormatException($"row group {g} has {chunks.Count} column chunks for {Columns.Count} columns");
            }
            for (int c = 0; c < chunks.Count; c++)
            {
                var meta = (chunks[c] as ThriftStruct)?.GetStruct(3)
                    ?? throw new ParquetFormatException($"row group {g}, column '{Columns[c].Path}' has no chunk metadata");
                codecs.Add(CodecName(meta.GetInt(4) ?? 0));
                long? nulls = meta.GetStruct(12)?.GetInt(3);
                nullCounts[c] = nulls is { } n && nullCounts[c] is { } sum ? sum + n : null;
            }
        }
        if (rows.Any(r => r < 0) || rows.Sum() != Rows)
        {
            throw new ParquetFormatException($"the row groups hold {rows.Sum()} rows but the footer declares {Rows}");
        }
        return (rows, codecs.ToArray(), nullCounts);
    }

    // A chunk that points outside the data region would make the page decoder read footer bytes or fail deep inside.
    private void CheckChunkRanges(ThriftStruct metadata)
    {
        int g = 0;
        var ranges = new List<ParquetChunkRange[]>();
        foreach (var group in metadata.GetList(4)?.Items ?? [])
        {
            var chunks = ((ThriftStruct)group).GetList(1)!.Items;
            var groupRanges = new ParquetChunkRange[chunks.Count];
            ranges.Add(groupRanges);
            for (int c = 0; c < chunks.Count; c++)
            {
                var chunk = (ThriftStruct)chunks[c];
                if (chunk.GetBinary(1) is not null)
                {
                    throw new ParquetFormatException($"column '{Columns[c].Path}' keeps its data in another file, which exports may not do");
                }
                var meta = chunk.GetStruct(3)!;
                long dataOffset = meta.GetInt(9) ?? 0;
                long dictionaryOffset = meta.GetInt(11) ?? 0;
                long start = dictionaryOffset > 0 && (dictionaryOffset < dataOffset || dataOffset <= 0) ? dictionaryOffset : dataOffset;
                long size = meta.GetInt(7) ?? -1;
                if (size < 0 || (size > 0 && (start < 4 || start + size > DataLength)))
                {
                    throw new ParquetFormatException(
                        $"row group {g}, column '{Columns[c].Path}': chunk at bytes {start}..{start + size} lies outside the data (4..{DataLength})");
                }
                groupRanges[c] = new ParquetChunkRange(start, size, meta.GetInt(5) ?? 0, meta.GetInt(6) ?? 0, meta.GetInt(4) ?? 0);
            }
            g++;
        }
        Chunks = ranges.ToArray();
    }

    private static string CodecName(long codec) => codec switch
    {
        0 => "UNCOMPRESSED",
        1 => "SNAPPY",
        2 => "GZIP",
        3 => "LZO",
        4 => "BROTLI",
        5 => "LZ4",
        6 => "ZSTD",
        7 => "LZ4_RAW",
        _ => $"CODEC_{codec}",
    };
}
