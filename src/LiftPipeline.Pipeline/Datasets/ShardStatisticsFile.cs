using System.Security.Cryptography;
using System.Text;
using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>
/// The stored form of one shard range's <see cref="ExperimentStatistics"/> (<c>datasets/{campaign}/stats-{key}.bin</c>):
/// little-endian binary — the magic <c>LPSS</c>, the format version, the engine version that wrote it, the statistics
/// state (<see cref="ExperimentStatisticsState"/>: names, cells, sums, compensations, the shifts the sums are taken
/// about, counts, sketches), and a SHA-256 of everything before it. A file of another format version (1 held raw sums
/// without shifts) or engine is refused, and <see cref="ShardStatisticsStore"/> recomputes it. A few kilobytes for tens of cells, independent of the rows. <see cref="Read"/> checks the
/// digest, header and every length against the bytes left before allocating, so a truncated, corrupt or hostile file
/// is an <see cref="InvalidDataException"/>, never a crash or a huge allocation.
/// </summary>
internal static class ShardStatisticsFile
{
    /// <summary>The format version written; a reader refuses any other.</summary>
    public const int FormatVersion = 2;

    private const uint Magic = 0x5353504C;   // "LPSS"
    private const int DigestBytes = 32;
    private const int MaxNameBytes = 4096;

    /// <summary>The file bytes of <paramref name="statistics"/>, written by engine <paramref name="engineVersion"/>.</summary>
    public static byte[] Write(ExperimentStatistics statistics, string engineVersion)
    {
        var state = statistics.ToState();
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(engineVersion);
            writer.Write(state.SketchRelativeAccuracy);
            WriteNames(writer, state.Outcomes);
            WriteNames(writer, state.Covariates);
            writer.Write(state.Cells.Length);
            foreach (var cell in state.Cells)
            {
                writer.Write(cell.Arm);
                WriteOptional(writer, cell.Segment);
                WriteOptional(writer, cell.Surface);
                WriteOptional(writer, cell.Market);
            }
            WriteDoubles(writer, state.Sums);
            WriteDoubles(writer, state.Compensations);
            WriteDoubles(writer, state.Shifts);
            WriteLongs(writer, state.Counts);
            writer.Write(state.Sketches.Length);
            foreach (var arm in state.Sketches)
            {
                writer.Write(arm.Arm);
                foreach (var sketch in arm.Outcomes)
                {
                    writer.Write(sketch.RelativeAccuracy);
                    writer.Write(sketch.ZeroCount);
                    writer.Write(sketch.PositiveOffset);
                    writer.Write(sketch.PositiveCounts.Length);
                    WriteLongs(writer, sketch.PositiveCounts);
                    writer.Write(sketch.NegativeOffset);
                    writer.Write(sketch.NegativeCounts.Length);
                    WriteLongs(writer, sketch.NegativeCounts);
                }
            }
        }
        var digest = SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        buffer.Write(digest);
        return buffer.ToArray();
    }

    /// <summary>The statistics in <paramref name="content"/>, which must have been written by engine <paramref name="engineVersion"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not such a file (truncated, corrupt, another format or engine version, or inconsistent statistics); the message names <paramref name="name"/>.</exception>
    public static ExperimentStatistics Read(ReadOnlySpan<byte> content, string engineVersion, string name)
    {
        if (content.Length < DigestBytes + 8)
        {
            throw Corrupt(name, $"{content.Length} bytes is too short");
        }
        var body = content[..^DigestBytes];
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(content[^DigestBytes..]))
        {
            throw Corrupt(name, "the checksum does not match the content");
        }
        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (reader.ReadUInt32() != Magic)
            {
                throw Corrupt(name, "it is not a shard statistics file");
            }
            int format = reader.ReadInt32();
            if (format != FormatVersion)
            {
                throw Corrupt(name, $"format version {format}, this engine reads {FormatVersion}");
            }
            string engine = ReadName(reader, stream);
            if (engine != engineVersion)
            {
                throw Corrupt(name, $"written by engine {engine}, this is {engineVersion}");
            }
            double accuracy = reader.ReadDouble();
            var outcomes = ReadNames(reader, stream);
            var covariates = ReadNames(reader, stream);
            var cells = new ExperimentCell[Length(reader, stream, 4)];
            for (int i = 0; i < cells.Length; i++)
            {
                cells[i] = new ExperimentCell(ReadName(reader, stream), ReadOptional(reader, stream), ReadOptional(reader, stream), ReadOptional(reader, stream));
            }
            long width = ExperimentStatisticsState.WidthOf(outcomes.Length, covariates.Length);
            var sums = ReadDoubles(reader, stream, cells.Length * width);
            var compensations = ReadDoubles(reader, stream, cells.Length * width);
            var shifts = ReadDoubles(reader, stream, (long)cells.Length * (outcomes.Length + covariates.Length));
            var counts = ReadLongs(reader, stream, (long)cells.Length * ExperimentStatisticsState.CountWidth);
            var arms = new ArmSketchesState[Length(reader, stream, 4)];
            for (int a = 0; a < arms.Length; a++)
            {
                string arm = ReadName(reader, stream);
                var sketches = new QuantileSketchState[outcomes.Length];
                for (int o = 0; o < sketches.Length; o++)
                {
                    double alpha = reader.ReadDouble();
                    long zero = reader.ReadInt64();
                    int positiveOffset = reader.ReadInt32();
                    var positive = ReadLongs(reader, stream, Length(reader, stream, 8));
                    int negativeOffset = reader.ReadInt32();
                    var negative = ReadLongs(reader, stream, Length(reader, stream, 8));
                    sketches[o] = new QuantileSketchState(alpha, zero, positiveOffset, positive, negativeOffset, negative);
                }
                arms[a] = new ArmSketchesState(arm, sketches);
            }
            if (stream.Position != stream.Length)
            {
                throw Corrupt(name, $"{stream.Length - stream.Position} bytes follow the statistics");
            }
            return ExperimentStatistics.FromState(new ExperimentStatisticsState(outcomes, covariates, accuracy, cells, sums, compensations, shifts, counts, arms));
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or FormatException or DecoderFallbackException)
        {
            throw Corrupt(name, e.Message);
        }
    }

    private static InvalidDataException Corrupt(string name, string problem) => new($"{name} is not usable shard statistics: {problem}");

    private static void WriteNames(BinaryWriter writer, string[] names)
    {
        writer.Write(names.Length);
        foreach (var name in names)
        {
            writer.Write(name);
        }
    }

    private static void WriteOptional(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static void WriteDoubles(BinaryWriter writer, double[] values)
    {
        foreach (double value in values)
        {
            writer.Write(value);
        }
    }

    private static void WriteLongs(BinaryWriter writer, long[] values)
    {
        foreach (long value in values)
        {
            writer.Write(value);
        }
    }

    /// <summary>A count of items of at least <paramref name="minBytes"/> bytes each, checked against the bytes left.</summary>
    private static int Length(BinaryReader reader, Stream stream, int minBytes)
    {
        int count = reader.ReadInt32();
        if (count < 0 || (long)count * minBytes > stream.Length - stream.Position)
        {
            throw new FormatException($"a length of {count} does not fit the {stream.Length - stream.Position} bytes left");
        }
        return count;
    }

    private static string[] ReadNames(BinaryReader reader, Stream stream)
    {
        var names = new string[Length(reader, stream, 1)];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = ReadName(reader, stream);
        }
        return names;
    }

    private static string ReadName(BinaryReader reader, Stream stream)
    {
        long start = stream.Position;
        var value = reader.ReadString();
        if (stream.Position - start > MaxNameBytes)
        {
            throw new FormatException($"a name of {stream.Position - start} bytes is longer than {MaxNameBytes}");
        }
        return value;
    }

    private static string? ReadOptional(BinaryReader reader, Stream stream) => reader.ReadBoolean() ? ReadName(reader, stream) : null;

    private static double[] ReadDoubles(BinaryReader reader, Stream stream, long count)
    {
        CheckFits(stream, count, 8);
        var values = new double[count];
        for (long i = 0; i < count; i++)
        {
            values[i] = reader.ReadDouble();
        }
        return values;
    }

    private static long[] ReadLongs(BinaryReader reader, Stream stream, long count)
    {
        CheckFits(stream, count, 8);
        var values = new long[count];
        for (long i = 0; i < count; i++)
        {
            values[i] = reader.ReadInt64();
        }
        return values;
    }

    private static void CheckFits(Stream stream, long count, int bytes)
    {
        if (count < 0 || count > (stream.Length - stream.Position) / bytes)
        {
            throw new FormatException($"{count} values do not fit the {stream.Length - stream.Position} bytes left");
        }
    }
}
