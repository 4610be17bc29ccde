using System.Buffers.Binary;
using LiftPipeline.Ingestion.ParquetFormat;
using Parquet;
using Parquet.Schema;

namespace LiftPipeline.Tests.Faults;

/// <summary>
/// Small Parquet files whose footers lie: written by Parquet.Net, then the footer is parsed with our Thrift reader,
/// edited, and written back, so the pages stay real and only the counts and sizes the footer claims change.
/// </summary>
internal static class HostileParquet
{
    /// <summary>A panel export (unit text, period integer, treated flag, conversions) of the given rows, one row group.</summary>
    public static async Task<byte[]> PanelAsync(string[] units, long[] periods, bool[] treated, double[] conversions)
    {
        var fields = new DataField[] { new DataField<string>("unit"), new DataField<long>("period"), new DataField<bool>("treated"), new DataField<double>("conversions") };
        using var buffer = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), buffer))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(fields[0], units);
            await group.WriteAsync(fields[1], (ReadOnlyMemory<long>)periods, null, null, CancellationToken.None);
            await group.WriteAsync(fields[2], (ReadOnlyMemory<bool>)treated, null, null, CancellationToken.None);
            await group.WriteAsync(fields[3], (ReadOnlyMemory<double>)conversions, null, null, CancellationToken.None);
        }
        return buffer.ToArray();
    }

    /// <summary>A balanced panel of <paramref name="units"/> × <paramref name="periods"/>, unit "u0" treated from the last period.</summary>
    public static Task<byte[]> BalancedPanelAsync(int units, int periods, string prefix = "u")
    {
        int n = units * periods;
        var unit = new string[n];
        var period = new long[n];
        var treated = new bool[n];
        var conversions = new double[n];
        for (int i = 0; i < n; i++)
        {
            unit[i] = prefix + (i / periods);
            period[i] = 1 + (i % periods);
            treated[i] = i / periods == 0 && i % periods == periods - 1;
            conversions[i] = 10 + (i % 7);
        }
        return PanelAsync(unit, period, treated, conversions);
    }

    /// <summary>A customer-level experiment export (customer_id, arm, revenue), one row group.</summary>
    public static async Task<byte[]> ExperimentAsync(int rows)
    {
        var fields = new DataField[] { new DataField<long>("customer_id"), new DataField<string>("arm"), new DataField<double>("revenue") };
        var ids = new long[rows];
        var arms = new string[rows];
        var revenue = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            ids[i] = i;
            arms[i] = i % 2 == 0 ? "control" : "treatment";
            revenue[i] = i % 5;
        }
        using var buffer = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), buffer))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(fields[0], (ReadOnlyMemory<long>)ids, null, null, CancellationToken.None);
            await group.WriteAsync(fields[1], arms);
            await group.WriteAsync(fields[2], (ReadOnlyMemory<double>)revenue, null, null, CancellationToken.None);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The file with its footer claiming <paramref name="rows"/> rows in its one row group: the file's and the row group's
    /// num_rows, and (when <paramref name="values"/>) every column chunk's num_values. The pages are untouched.
    /// </summary>
    public static byte[] ClaimingRows(byte[] file, long rows, bool values = true) => EditFooter(file, footer =>
    {
        footer.Set(3, ThriftType.I64, rows);
        foreach (ThriftStruct group in footer.GetList(4)!.Items)
        {
            group.Set(3, ThriftType.I64, rows);
            foreach (ThriftStruct chunk in group.GetList(1)!.Items)
            {
                if (values)
                {
                    chunk.GetStruct(3)!.Set(5, ThriftType.I64, rows);
                }
            }
        }
    });

    /// <summary>
    /// The file with its single row group listed <paramref name="copies"/> times in the footer, every copy pointing at the
    /// same pages: a file of copies × rows true rows (every page decodes) in the bytes of one row group.
    /// </summary>
    public static byte[] RepeatingRowGroup(byte[] file, int copies) => EditFooter(file, footer =>
    {
        var groups = footer.GetList(4)!;
        var group = (ThriftStruct)groups.Items[0];
        long rows = group.GetInt(3)!.Value;
        groups.Items.Clear();
        for (int i = 0; i < copies; i++)
        {
            groups.Items.Add(group);
        }
        footer.Set(3, ThriftType.I64, rows * copies);
    });

    private static byte[] EditFooter(byte[] file, Action<ThriftStruct> edit)
    {
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        int dataLength = file.Length - 8 - footerLength;
        var footer = new ThriftCompactReader(file.AsSpan(dataLength, footerLength).ToArray()).ReadStruct();
        edit(footer);
        var bytes = ThriftCompactWriter.Serialize(footer);
        var result = new byte[dataLength + bytes.Length + 8];
        file.AsSpan(0, dataLength).CopyTo(result);
        bytes.CopyTo(result, dataLength);
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(dataLength + bytes.Length), bytes.Length);
        "PAR1"u8.CopyTo(result.AsSpan(result.Length - 4));
        return result;
    }
}
