using LiftPipeline.Ingestion;
using Parquet;
using Parquet.Schema;

namespace LiftPipeline.Bench;

/// <summary>
/// Writes a reproducible synthetic experiment export (one row per customer, Snappy, ~1,000,000-row groups)
/// and caches it under <c>bench/.data/</c>. The same seed and row count always give the same values.
/// </summary>
internal static class ExportGenerator
{
    public const int RowGroupSize = 1_000_000;
    private const int Seed = 20_240_611;

    private static readonly string[] Segments = ["new", "lapsed", "casual", "regular", "loyal", "vip"];
    private static readonly double[] SegmentWeights = [0.20, 0.15, 0.25, 0.20, 0.15, 0.05];
    private static readonly string[] Surfaces = ["web", "ios", "android", "email"];
    private static readonly double[] SurfaceWeights = [0.40, 0.25, 0.25, 0.10];

    private static readonly DataField<long> CustomerId = new("customer_id", nullable: false);
    private static readonly DataField<string> Arm = new("arm", nullable: false);
    private static readonly DataField<string> Segment = new("segment", nullable: false);
    private static readonly DataField<string> Surface = new("surface", nullable: false);
    private static readonly DataField<bool> Exposed = new("exposed", nullable: false);
    private static readonly DataField<long> Conversions = new("conversions", nullable: false);
    private static readonly DataField<double> Revenue = new("revenue", nullable: false);
    private static readonly DataField<double> PreRevenue = new("pre_revenue", nullable: false);

    /// <summary>The cached export of <paramref name="rows"/> rows, generated when missing or when its row count differs.</summary>
    public static async Task<string> EnsureAsync(string dataDirectory, long rows, bool dictionaryStrings)
    {
        Directory.CreateDirectory(dataDirectory);
        string path = Path.Combine(dataDirectory, $"experiment-{rows}{(dictionaryStrings ? "" : "-plain")}.parquet");
        long? existing = await RowsInAsync(path);
        if (existing == rows)
        {
            Console.WriteLine($"Using cached export {path} ({rows:N0} rows, {new FileInfo(path).Length / 1e6:F1} MB)");
            return path;
        }
        Console.WriteLine(existing is null
            ? $"Generating {path} ({rows:N0} rows)..."
            : $"Regenerating {path}: it holds {existing:N0} rows, {rows:N0} wanted...");
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        string temporary = path + ".tmp";
        await WriteAsync(temporary, rows, dictionaryStrings);
        File.Move(temporary, path, overwrite: true);
        Console.WriteLine($"  wrote {new FileInfo(path).Length / 1e6:F1} MB in {stopwatch.Elapsed.TotalSeconds:F1} s");
        return path;
    }

    private static async Task<long?> RowsInAsync(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            await using var file = await ExportFile.OpenAsync(path);
            return file.Rows;
        }
        catch (ExportValidationException)
        {
            return null;
        }
    }

    private static async Task WriteAsync(string path, long rows, bool dictionaryStrings)
    {
        var schema = new ParquetSchema(CustomerId, Arm, Segment, Surface, Exposed, Conversions, Revenue, PreRevenue);
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        if (dictionaryStrings)
        {
            // Spark and pyarrow dictionary-encode low-cardinality strings by default; Parquet.Net 6.1 writes them
            // PLAIN unless told, so ask for dictionary pages to get the layout a real export has.
            foreach (var field in new[] { Arm, Segment, Surface })
            {
                options.ColumnEncodingHints[field.Path.ToString()] = EncodingHint.Dictionary;
            }
        }
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, options);
        var random = new Random(Seed);
        int capacity = (int)Math.Min(RowGroupSize, rows);
        var ids = new long[capacity];
        var arms = new string[capacity];
        var segments = new string[capacity];
        var surfaces = new string[capacity];
        var exposed = new bool[capacity];
        var conversions = new long[capacity];
        var revenue = new double[capacity];
        var preRevenue = new double[capacity];
        for (long first = 0; first < rows; first += RowGroupSize)
        {
            int n = (int)Math.Min(RowGroupSize, rows - first);
            for (int i = 0; i < n; i++)
            {
                ids[i] = 1_000_000_000L + first + i;
                double u = random.NextDouble();
                // holdout 20 %, vbo 40 %, vbo_1p 40 %
                int arm = u < 0.2 ? 0 : u < 0.6 ? 1 : 2;
                arms[i] = arm == 0 ? "holdout" : arm == 1 ? "vbo" : "vbo_1p";
                int segment = Pick(random, SegmentWeights);
                segments[i] = Segments[segment];
                surfaces[i] = Surfaces[Pick(random, SurfaceWeights)];
                bool isExposed = arm != 0 && random.NextDouble() < 0.7;
                exposed[i] = isExposed;

                // Pre-period revenue: 45 % zero, else lognormal scaled by segment.
                double pre = random.NextDouble() < 0.45 ? 0.0 : Math.Round(Math.Exp(2.8 + 0.25 * segment + 1.1 * Normal(random)), 2);
                preRevenue[i] = pre;

                // Conversions: small Poisson counts; exposure and pre-period spend lift the rate a little.
                double rate = 0.06 + (pre > 0 ? 0.04 : 0.0) + (isExposed ? (arm == 2 ? 0.018 : 0.012) : 0.0);
                long count = Poisson(random, rate);
                conversions[i] = count;
                double value = 0.0;
                for (long c = 0; c < count; c++)
                {
                    value += Math.Exp(3.4 + 0.9 * Normal(random));
                }
                revenue[i] = Math.Round(value, 2);
            }
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(CustomerId, (ReadOnlyMemory<long>)ids.AsMemory(0, n), null, null, default);
            await group.WriteAsync(Arm, Slice(arms, n));
            await group.WriteAsync(Segment, Slice(segments, n));
            await group.WriteAsync(Surface, Slice(surfaces, n));
            await group.WriteAsync(Exposed, (ReadOnlyMemory<bool>)exposed.AsMemory(0, n), null, null, default);
            await group.WriteAsync(Conversions, (ReadOnlyMemory<long>)conversions.AsMemory(0, n), null, null, default);
            await group.WriteAsync(Revenue, (ReadOnlyMemory<double>)revenue.AsMemory(0, n), null, null, default);
            await group.WriteAsync(PreRevenue, (ReadOnlyMemory<double>)preRevenue.AsMemory(0, n), null, null, default);
        }
    }

    private static IReadOnlyCollection<string> Slice(string[] values, int n) =>
        n == values.Length ? values : new ArraySegment<string>(values, 0, n);

    private static int Pick(Random random, double[] weights)
    {
        double u = random.NextDouble();
        for (int i = 0; i < weights.Length - 1; i++)
        {
            u -= weights[i];
            if (u < 0)
            {
                return i;
            }
        }
        return weights.Length - 1;
    }

    private static double Normal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static long Poisson(Random random, double lambda)
    {
        double limit = Math.Exp(-lambda);
        double product = random.NextDouble();
        long k = 0;
        while (product > limit)
        {
            k++;
            product *= random.NextDouble();
        }
        return k;
    }
}
