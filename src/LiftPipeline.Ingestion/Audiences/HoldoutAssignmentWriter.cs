using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Statistics.Audiences;
using Parquet;
using Parquet.Schema;

namespace LiftPipeline.Ingestion.Audiences;

/// <summary>
/// Streams a <c>customers</c> export through a <see cref="HoldoutAssigner"/> and writes the assignment Parquet file
/// (<see cref="AssignmentColumns"/>): one row group per row group read, ids in the export's type (text or INT64),
/// Snappy-compressed; the hash version, salt and layer are also in the file's key-value metadata.
/// </summary>
public static class HoldoutAssignmentWriter
{
    /// <summary>The metadata key naming the hash version.</summary>
    public const string HashVersionKey = "liftpipeline.assignment.hash";

    /// <summary>
    /// The metadata key of the planned split, <c>holdout=0.1,vbo=0.45,vbo_1p=0.45</c> (<see cref="FormatAllocation"/>):
    /// what the sample-ratio check of a validation compares the arm counts with.
    /// </summary>
    public const string AllocationKey = "liftpipeline.assignment.allocation";

    /// <summary>The allocation as <c>arm=share</c> pairs in arm order, shares exact to the basis point (<c>holdout=0.1,vbo=0.45,vbo_1p=0.45</c>).</summary>
    public static string FormatAllocation(BucketAllocation allocation)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        return string.Join(",", allocation.Arms.Select((arm, i) =>
            $"{arm}={(allocation.BasisPoints[i] / (decimal)HoldoutHash.Buckets).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)}"));
    }

    /// <summary>Writes the assignment of every customer <paramref name="customers"/> streams to <paramref name="output"/> (left open).</summary>
    /// <exception cref="ExportValidationException">The customers export has a problem (read as it streams).</exception>
    public static Task<AssignmentSummary> WriteAsync(CustomerExportReader customers, HoldoutAssigner assigner, Stream output,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default) =>
        WriteAsync(customers, assigner, output, null, progress, cancellationToken);

    /// <summary>
    /// Writes the assignment of the customers <paramref name="customers"/> streams that are in <paramref name="members"/> (a
    /// segment; null: every customer) to <paramref name="output"/> (left open). The others are neither assigned nor counted.
    /// </summary>
    /// <exception cref="ExportValidationException">The customers export has a problem (read as it streams).</exception>
    public static async Task<AssignmentSummary> WriteAsync(CustomerExportReader customers, HoldoutAssigner assigner, Stream output, ICustomerSet? members,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(assigner);
        ArgumentNullException.ThrowIfNull(output);
        DataField idField = customers.HasTextIds ? new DataField<string>(AssignmentColumns.CustomerId, nullable: false) : new DataField<long>(AssignmentColumns.CustomerId, nullable: false);
        var armField = new DataField<string>(AssignmentColumns.Arm, nullable: false);
        var audienceField = new DataField<string>(AssignmentColumns.Audience, nullable: false);
        var layerField = new DataField<string>(AssignmentColumns.Layer, nullable: true);
        var saltField = new DataField<string>(AssignmentColumns.SaltVersion, nullable: false);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(idField, armField, audienceField, layerField, saltField), output,
            new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, append: false, cancellationToken).ConfigureAwait(false);
        writer.CustomMetadata = new Dictionary<string, string>
        {
            ["liftpipeline.contract"] = "assignment",
            [HashVersionKey] = HoldoutHash.Version,
            [AllocationKey] = FormatAllocation(assigner.Allocation),
            ["liftpipeline.assignment.salt"] = assigner.Salt,
            ["liftpipeline.assignment.layer"] = assigner.Layer is { } l ? $"{l.Name}:{l.From}-{l.To}" : "",
        };
        var arms = assigner.Allocation.Arms.ToArray();
        var counts = new long[arms.Length];
        var rows = new AssignedRows();
        long read = 0, outside = 0;
        for (int g = 0; g < customers.RowGroupCount; g++)
        {
            var batch = await customers.ReadRowGroupAsync(g, cancellationToken).ConfigureAwait(false);
            read += batch.Count;
            outside += rows.Assign(batch, assigner, members, counts);
            if (rows.Count > 0)
            {
                using var group = writer.CreateRowGroup();
                if (customers.HasTextIds)
                {
                    await group.WriteAsync(idField, (ReadOnlyMemory<ReadOnlyMemory<char>>)rows.TextIds.AsMemory(0, rows.Count), null, null, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await group.WriteAsync(idField, (ReadOnlyMemory<long>)rows.IntegerIds.AsMemory(0, rows.Count), null, null, cancellationToken).ConfigureAwait(false);
                }
                await group.WriteAsync(armField, rows.ArmNames(arms)).ConfigureAwait(false);
                await group.WriteAsync(audienceField, Repeat(assigner.Audience, rows.Count)).ConfigureAwait(false);
                await group.WriteAsync(layerField, Repeat(assigner.Layer?.Name, rows.Count)).ConfigureAwait(false);
                await group.WriteAsync(saltField, Repeat(assigner.SaltVersion, rows.Count)).ConfigureAwait(false);
            }
            progress?.Report((g + 1) / (double)customers.RowGroupCount);
        }
        return new AssignmentSummary(read, outside, arms, counts);
    }

    private static string?[] Repeat(string? value, int count)
    {
        var values = new string?[count];
        Array.Fill(values, value);
        return values;
    }

    /// <summary>The rows of one batch that take part, in reused arrays.</summary>
    private sealed class AssignedRows
    {
        private readonly byte[] _id = new byte[64];
        private char[] _chars = [];

        // Text ids as slices of one character buffer per batch: the writer takes UTF-16, and this allocates per batch, not per row.
        public ReadOnlyMemory<char>[] TextIds = [];
        public long[] IntegerIds = [];
        public int[] Arms = [];
        public int Count;

        /// <summary>Assigns every row of <paramref name="batch"/>, keeping those in the test; returns the rows outside the layer range.</summary>
        public long Assign(CustomerBatch batch, HoldoutAssigner assigner, ICustomerSet? members, long[] counts)
        {
            int n = batch.Count;
            if (Arms.Length < n)
            {
                Arms = new int[n];
                TextIds = batch.HasTextIds ? new ReadOnlyMemory<char>[n] : [];
                IntegerIds = batch.HasTextIds ? [] : new long[n];
            }
            var text = batch.TextIds;
            var integers = batch.IntegerIds;
            Count = 0;
            long outside = 0;
            int used = 0;
            if (batch.HasTextIds)
            {
                // UTF-8 never takes fewer bytes than UTF-16 takes characters, so the bytes bound the characters.
                long bytes = 0;
                foreach (var id in text)
                {
                    bytes += id.Length;
                }
                if (_chars.Length < bytes)
                {
                    _chars = new char[checked((int)bytes)];
                }
            }
            for (int i = 0; i < n; i++)
            {
                var id = IdBytes(batch, text, i);
                if (members is not null && !members.Contains(id))
                {
                    continue;
                }
                int arm = assigner.ArmOf(id);
                if (arm < 0)
                {
                    outside++;
                    continue;
                }
                counts[arm]++;
                if (batch.HasTextIds)
                {
                    int length = System.Text.Encoding.UTF8.GetChars(text[i].Span, _chars.AsSpan(used));
                    TextIds[Count] = _chars.AsMemory(used, length);
                    used += length;
                }
                else
                {
                    IntegerIds[Count] = integers[i];
                }
                Arms[Count++] = arm;
            }
            return outside;
        }

        public string[] ArmNames(string[] arms)
        {
            var names = new string[Count];
            for (int i = 0; i < Count; i++)
            {
                names[i] = arms[Arms[i]];
            }
            return names;
        }

        private ReadOnlySpan<byte> IdBytes(CustomerBatch batch, ReadOnlySpan<ReadOnlyMemory<byte>> text, int row)
        {
            if (batch.HasTextIds)
            {
                return text[row].Span;
            }
            return _id.AsSpan(0, batch.WriteId(row, _id));
        }
    }
}
