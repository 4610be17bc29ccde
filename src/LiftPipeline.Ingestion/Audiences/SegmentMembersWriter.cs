using System.Globalization;
using LiftPipeline.Ingestion.Customers;
using Parquet;
using Parquet.Schema;

namespace LiftPipeline.Ingestion.Audiences;

/// <summary>
/// Writes the members file of an audience refresh (docs/audiences.md): Parquet, Snappy, one row per (customer, segment)
/// membership with <c>customer_id</c> in the export's type (text or INT64) and <c>segment</c>; key-value metadata
/// <c>liftpipeline.contract</c> = <c>members</c>, the audience and the export's <c>as_of</c>. One row group per batch
/// written. Not thread-safe.
/// </summary>
public sealed class SegmentMembersWriter : IAsyncDisposable
{
    /// <summary>The <c>customer_id</c> column.</summary>
    public const string CustomerIdColumn = "customer_id";

    /// <summary>The <c>segment</c> column.</summary>
    public const string SegmentColumn = "segment";

    /// <summary>The metadata key of the audience id.</summary>
    public const string AudienceKey = "liftpipeline.members.audience";

    /// <summary>The metadata key of the export's <c>as_of</c> (<c>yyyy-MM-dd</c>).</summary>
    public const string AsOfKey = "liftpipeline.members.as_of";

    private readonly ParquetWriter _writer;
    private readonly DataField _id;
    private readonly DataField<string> _segment;
    private readonly bool _textIds;
    private ReadOnlyMemory<char>[] _rowIds = [];
    private char[] _chars = [];

    private SegmentMembersWriter(ParquetWriter writer, DataField id, DataField<string> segment, bool textIds)
    {
        _segment = segment;
        _writer = writer;
        _id = id;
        _textIds = textIds;
    }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Starts the members file of <paramref name="audience"/> at <paramref name="asOf"/> on <paramref name="output"/> (left open).</summary>
    public static async Task<SegmentMembersWriter> CreateAsync(Stream output, bool textIds, string audience, DateOnly asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        DataField id = textIds ? new DataField<string>(CustomerIdColumn, nullable: false) : new DataField<long>(CustomerIdColumn, nullable: false);
        var segment = new DataField<string>(SegmentColumn, nullable: false);
        var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, segment), output,
            new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, append: false, cancellationToken).ConfigureAwait(false);
        writer.CustomMetadata = new Dictionary<string, string>
        {
            ["liftpipeline.contract"] = "members",
            [AudienceKey] = audience,
            [AsOfKey] = asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        return new SegmentMembersWriter(writer, id, segment, textIds);
    }

    /// <summary>
    /// Writes the memberships of one batch: for each segment k in order, the rows i of <paramref name="batch"/> with
    /// <paramref name="members"/>[k][i] true. Writes nothing when no row is a member.
    /// </summary>
    public async Task WriteAsync(CustomerBatch batch, IReadOnlyList<string> segments, IReadOnlyList<bool[]> members, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(members);
        int n = batch.Count;
        int total = 0;
        for (int k = 0; k < segments.Count; k++)
        {
            total += Count(members[k].AsSpan(0, n));
        }
        if (total == 0)
        {
            return;
        }
        var names = new string[total];
        int at = 0;
        for (int k = 0; k < segments.Count; k++)
        {
            var mask = members[k];
            for (int i = 0; i < n; i++)
            {
                if (mask[i])
                {
                    names[at++] = segments[k];
                }
            }
        }
        using var group = _writer.CreateRowGroup();
        if (_textIds)
        {
            DecodeIds(batch);
            var ids = new ReadOnlyMemory<char>[total];
            Gather(members, segments.Count, n, _rowIds, ids);
            await group.WriteAsync((DataField<string>)_id, (ReadOnlyMemory<ReadOnlyMemory<char>>)ids.AsMemory(), null, null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var ids = new long[total];
            Gather(members, segments.Count, n, batch.IntegerIds.ToArray(), ids);
            await group.WriteAsync((DataField<long>)_id, (ReadOnlyMemory<long>)ids.AsMemory(), null, null, cancellationToken).ConfigureAwait(false);
        }
        await group.WriteAsync(_segment, names).ConfigureAwait(false);
        Rows += total;
    }

    /// <summary>Writes the footer.</summary>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private static int Count(ReadOnlySpan<bool> mask)
    {
        int count = 0;
        foreach (bool member in mask)
        {
            count += member ? 1 : 0;
        }
        return count;
    }

    private static void Gather<T>(IReadOnlyList<bool[]> members, int segments, int n, T[] rowValues, T[] output)
    {
        int at = 0;
        for (int k = 0; k < segments; k++)
        {
            var mask = members[k];
            for (int i = 0; i < n; i++)
            {
                if (mask[i])
                {
                    output[at++] = rowValues[i];
                }
            }
        }
    }

    // The writer takes UTF-16: ids of a batch are decoded once into one character buffer and sliced, not one string per row.
    private void DecodeIds(CustomerBatch batch)
    {
        var text = batch.TextIds;
        long bytes = 0;
        foreach (var id in text)
        {
            bytes += id.Length;
        }
        if (_chars.Length < bytes)
        {
            _chars = new char[checked((int)bytes)];
        }
        if (_rowIds.Length < text.Length)
        {
            _rowIds = new ReadOnlyMemory<char>[text.Length];
        }
        int used = 0;
        for (int i = 0; i < text.Length; i++)
        {
            int length = System.Text.Encoding.UTF8.GetChars(text[i].Span, _chars.AsSpan(used));
            _rowIds[i] = _chars.AsMemory(used, length);
            used += length;
        }
    }
}
