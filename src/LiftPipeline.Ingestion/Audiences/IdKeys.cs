using System.Buffers.Text;
using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Ingestion.ParquetFormat;
using LiftPipeline.Statistics.Audiences.Validation;

namespace LiftPipeline.Ingestion.Audiences;

/// <summary>The <see cref="CustomerKey"/> of each id of a loaded <c>customer_id</c> chunk (text, or integers as decimal text).</summary>
internal static class IdKeys
{
    /// <summary>Writes the key of every row of <paramref name="id"/> (which has no nulls) into <paramref name="keys"/>.</summary>
    public static void Fill(ColumnChunkBuffer id, Span<ulong> keys)
    {
        Span<byte> number = stackalloc byte[24];
        for (int i = 0; i < id.Rows; i++)
        {
            keys[i] = id.Type.Physical switch
            {
                ParquetPhysicalType.Int32 => CustomerKey.Of(number[..Format(id.Type.Kind == ParquetValueKind.UnsignedInteger ? unchecked((uint)id.Ints[i]) : id.Ints[i], number)]),
                ParquetPhysicalType.Int64 => CustomerKey.Of(number[..Format(id.Longs[i], number)]),
                _ => CustomerKey.Of(id.Bytes[i].Span),
            };
        }
    }

    /// <summary>The first null row of <paramref name="chunk"/>, or -1.</summary>
    public static int FirstNull(ColumnChunkBuffer chunk)
    {
        for (int i = 0; i < chunk.Rows; i++)
        {
            if (chunk.IsNull(i))
            {
                return i;
            }
        }
        return -1;
    }

    private static int Format(long value, Span<byte> destination) => Utf8Formatter.TryFormat(value, destination, out int written) ? written : 0;
}
