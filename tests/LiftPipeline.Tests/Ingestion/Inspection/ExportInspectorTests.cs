using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Inspection;
using LiftPipeline.Tests.Experiments;

namespace LiftPipeline.Tests.Ingestion.Inspection;

public sealed class ExportInspectorTests
{
    [Fact]
    public async Task Inspecting_an_experiment_export_reads_each_column_chunk_once()
    {
        string path = Path.Combine(Path.GetTempPath(), $"inspect-one-pass-{Guid.NewGuid():N}.parquet");
        try
        {
            ExperimentExportKit.Write(path, ExperimentExportKit.Rows(60_000), rowGroupSize: 20_000);
            byte[] bytes = await File.ReadAllBytesAsync(path);
            var stream = new CountingStream(new MemoryStream(bytes));
            await using var file = await ExportFile.OpenAsync(stream, "export.parquet");
            long afterOpen = stream.BytesRead;

            var inspection = await ExportInspector.InspectAsync(file, null, CancellationToken.None);

            Assert.True(inspection.Valid, string.Join("; ", inspection.Errors.Select(e => e.Message)));
            Assert.Equal(ExportContract.Experiment, inspection.Contract);
            Assert.True(file.RowGroupCount >= 3, $"{file.RowGroupCount} row groups");
            // Every chunk once, plus the page headers read to check them: well under the 1.8× that two passes read.
            long read = stream.BytesRead - afterOpen;
            Assert.InRange(read, bytes.Length * 0.8, bytes.Length * 1.15);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_damaged_chunk_of_a_column_the_contract_does_not_read_is_still_reported()
    {
        string path = Path.Combine(Path.GetTempPath(), $"inspect-damaged-{Guid.NewGuid():N}.parquet");
        try
        {
            ExperimentExportKit.Write(path, ExperimentExportKit.Rows(5_000), rowGroupSize: 5_000);
            byte[] bytes = await File.ReadAllBytesAsync(path);
            await using (var original = await ExportFile.OpenAsync(new MemoryStream(bytes), "original.parquet"))
            {
                // The customer id is checked for type but never read by the experiment reader; its chunk comes first.
                Assert.Equal("customer_id", original.Columns[0].Name);
                Assert.True((await ExportInspector.InspectAsync(original, null, CancellationToken.None)).Valid);
            }
            var damaged = (byte[])bytes.Clone();
            for (int i = 200; i < 2_000; i++)
            {
                damaged[i] = 0xFF;
            }
            var inspection = await InspectBytesAsync(damaged);

            Assert.False(inspection.Valid);
            Assert.Contains(inspection.Errors, e => e.Code is ExportErrorCodes.CorruptFile or ExportErrorCodes.TooLarge);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<ExportInspection> InspectBytesAsync(byte[] bytes)
    {
        await using var file = await ExportFile.OpenAsync(new MemoryStream(bytes), "export.parquet");
        return await ExportInspector.InspectAsync(file, null, CancellationToken.None);
    }

    /// <summary>A read-only stream that counts the bytes read through it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            BytesRead += n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await inner.ReadAsync(buffer, cancellationToken);
            BytesRead += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
