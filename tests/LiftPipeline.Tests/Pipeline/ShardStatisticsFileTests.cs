using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Tests.Experiments;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>The stored form of shard statistics: exact round trip, a size independent of the rows, and a clear error for any damaged or foreign file.</summary>
public sealed class ShardStatisticsFileTests
{
    private static async Task<ExperimentStatistics> StatisticsAsync(int rows)
    {
        using var dir = TestData.TempDirectory();
        string path = Path.Combine(dir.FullName, "x.parquet");
        ExperimentExportKit.Write(path, ExperimentExportKit.Rows(rows), 5_000);
        return await ExperimentStatisticsBuilder.ComputeAsync(path);
    }

    [Fact]
    public async Task Statistics_round_trip_bit_for_bit_and_the_file_does_not_grow_with_the_rows()
    {
        var small = await StatisticsAsync(4_000);
        var large = await StatisticsAsync(40_000);

        var bytes = ShardStatisticsFile.Write(large, "0123456789abcdef");
        var back = ShardStatisticsFile.Read(bytes, "0123456789abcdef", "stats-x.bin");

        Assert.Equal(bytes, ShardStatisticsFile.Write(back, "0123456789abcdef"));
        Assert.Equal(large.ToState().Sums, back.ToState().Sums);
        Assert.Equal(large.ToState().Compensations, back.ToState().Compensations);
        Assert.Equal(large.ToState().Shifts, back.ToState().Shifts);
        Assert.Equal(large.N, back.N);
        // Cells and sketch buckets, not rows: ten times the rows adds only the buckets of a wider range of values.
        Assert.True(bytes.Length < 2 * ShardStatisticsFile.Write(small, "0123456789abcdef").Length, $"{bytes.Length} bytes");
        Assert.True(bytes.Length < 64 * 1024, $"{bytes.Length} bytes");
    }

    [Fact]
    public async Task A_damaged_truncated_foreign_or_other_engine_file_is_refused_with_one_clear_line()
    {
        var bytes = ShardStatisticsFile.Write(await StatisticsAsync(3_000), "0123456789abcdef");
        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 3] ^= 1;

        Assert.Contains("checksum", Refused(flipped, "0123456789abcdef"), StringComparison.Ordinal);
        Assert.Contains("too short", Refused(bytes[..10], "0123456789abcdef"), StringComparison.Ordinal);
        Assert.Contains("checksum", Refused(bytes[..^1], "0123456789abcdef"), StringComparison.Ordinal);
        Assert.Contains("written by engine 0123456789abcdef", Refused(bytes, "fedcba9876543210"), StringComparison.Ordinal);
        Assert.Contains("checksum", Refused(new byte[4096], "0123456789abcdef"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_hostile_length_behind_a_valid_checksum_is_refused_before_anything_is_allocated()
    {
        // Magic, format, engine, α, then an outcome count of 2^31 − 1: the digest matches, the length cannot.
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(0x5353504Cu);
            writer.Write(ShardStatisticsFile.FormatVersion);
            writer.Write("0123456789abcdef");
            writer.Write(0.01);
            writer.Write(int.MaxValue);
        }
        var content = body.ToArray().Concat(System.Security.Cryptography.SHA256.HashData(body.ToArray())).ToArray();

        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = Refused(content, "0123456789abcdef");

        Assert.Contains("does not fit", message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public async Task A_format_1_file_without_shifts_is_refused_naming_its_version()
    {
        var bytes = ShardStatisticsFile.Write(await StatisticsAsync(3_000), "0123456789abcdef");
        // The same content stamped as format 1 (raw sums, no shifts), with a valid checksum.
        var body = bytes[..^32];
        BitConverter.GetBytes(1).CopyTo(body, 4);
        var old = body.Concat(System.Security.Cryptography.SHA256.HashData(body)).ToArray();

        Assert.Equal(2, ShardStatisticsFile.FormatVersion);
        Assert.Contains("format version 1, this engine reads 2", Refused(old, "0123456789abcdef"), StringComparison.Ordinal);
    }

    private static string Refused(byte[] content, string engine)
    {
        var error = Assert.Throws<InvalidDataException>(() => ShardStatisticsFile.Read(content, engine, "datasets/vbo/stats-x.bin"));
        Assert.StartsWith("datasets/vbo/stats-x.bin is not usable shard statistics: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        return error.Message;
    }
}
