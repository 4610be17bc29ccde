using System.Buffers.Binary;
using System.Text;

namespace LiftPipeline.Ingestion.ParquetFormat;

/// <summary>
/// Marks an INT64 column of a finished Parquet file as TIMESTAMP(MICROS, UTC). Parquet.Net 6.1.0 writes the
/// statistics of its own TIMESTAMP(MICROS) columns in milliseconds, which readers that trust statistics
/// (DuckDB, when sorting) turn into wrong instants; writing microseconds as INT64 and annotating afterwards
/// keeps values and statistics in one unit.
/// </summary>
internal static class TimestampAnnotation
{
    public static byte[] AnnotateMicros(byte[] file, string column)
    {
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        int footerStart = file.Length - 8 - footerLength;
        var metadata = new ThriftCompactReader(file[footerStart..(file.Length - 8)]).ReadStruct();
        var element = metadata.GetList(2)!.Items.Cast<ThriftStruct>()
            .Single(e => e.GetBinary(4) is { } name && Encoding.UTF8.GetString(name) == column);
        var micros = new ThriftStruct();
        micros.Fields.Add(new ThriftField(2, ThriftType.Struct, new ThriftStruct()));
        var timestamp = new ThriftStruct();
        timestamp.Fields.Add(new ThriftField(1, ThriftType.BoolTrue, true));
        timestamp.Fields.Add(new ThriftField(2, ThriftType.Struct, micros));
        var logical = new ThriftStruct();
        logical.Fields.Add(new ThriftField(8, ThriftType.Struct, timestamp));
        element.Set(6, ThriftType.I32, 10L); // ConvertedType TIMESTAMP_MICROS
        element.Set(10, ThriftType.Struct, logical);
        var footer = ThriftCompactWriter.Serialize(metadata);
        var result = new byte[footerStart + footer.Length + 8];
        file.AsSpan(0, footerStart).CopyTo(result);
        footer.CopyTo(result, footerStart);
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(footerStart + footer.Length), footer.Length);
        "PAR1"u8.CopyTo(result.AsSpan(result.Length - 4));
        return result;
    }
}
