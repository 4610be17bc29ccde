using System.Diagnostics;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Ingestion.Experiments;

namespace LiftPipeline.Bench;

/// <summary>
/// Where one worker's ingestion time goes, measured by replaying the steps <see cref="ExperimentExportReader.ReadRowGroupAsync"/>
/// takes for each column it reads (through Core's internal pieces, visible to the bench): the Parquet.Net chunk read
/// (I/O + Snappy + page decoding into physical values), Core's conversion to codes/flags/doubles, and the metric checks,
/// with the managed bytes each allocates (the chunk buffers are reused, so in a steady state this is per-row-group garbage).
/// </summary>
internal static class IngestBreakdown
{
    public sealed record Step(string Column, string What, TimeSpan Elapsed, long AllocatedBytes);

    public static async Task<TimeSpan> RawReadAsync(string path)
    {
        var buffer = new byte[1 << 20];
        long start = Stopwatch.GetTimestamp();
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: false);
        while (await stream.ReadAsync(buffer) > 0)
        {
        }
        return Stopwatch.GetElapsedTime(start);
    }

    public static async Task<IReadOnlyList<Step>> RunAsync(string path)
    {
        await using var file = await ExportFile.OpenAsync(path);
        string[] categories = ["arm", "segment", "surface"];
        string[] numbers = ["conversions", "revenue", "pre_revenue"];
        var chunks = new Dictionary<string, ColumnChunkBuffer>();
        foreach (var name in categories.Concat(["exposed"]).Concat(numbers))
        {
            chunks[name] = new ColumnChunkBuffer(file.Find(name) ?? throw new InvalidOperationException($"no column {name}"));
        }
        var load = new Dictionary<string, long>();
        var convert = new Dictionary<string, long>();
        var check = new Dictionary<string, long>();
        var loadBytes = new Dictionary<string, long>();
        var convertBytes = new Dictionary<string, long>();
        foreach (var name in chunks.Keys)
        {
            load[name] = 0;
            convert[name] = 0;
            check[name] = 0;
            loadBytes[name] = 0;
            convertBytes[name] = 0;
        }
        var dictionaries = categories.ToDictionary(c => c, _ => new CategoryDictionary());
        int capacity = (int)file.RowGroupRows.Max();
        var codes = new int[capacity];
        var flags = new sbyte[capacity];
        var values = new double[capacity];
        var isNull = new bool[capacity];
        for (int g = 0; g < file.RowGroupCount; g++)
        {
            int n = checked((int)file.RowGroupRows[g]);
            foreach (var (name, chunk) in chunks)
            {
                long a0 = GC.GetTotalAllocatedBytes(precise: true);
                long t0 = Stopwatch.GetTimestamp();
                await chunk.LoadAsync(file, g, default);
                long t1 = Stopwatch.GetTimestamp();
                load[name] += t1 - t0;
                long a1 = GC.GetTotalAllocatedBytes(precise: true);
                loadBytes[name] += a1 - a0;
                if (dictionaries.TryGetValue(name, out var dictionary))
                {
                    ColumnDecoders.Categories(chunk, dictionary, codes.AsSpan(0, n));
                    convert[name] += Stopwatch.GetTimestamp() - t1;
                    convertBytes[name] += GC.GetTotalAllocatedBytes(precise: true) - a1;
                }
                else if (name == "exposed")
                {
                    ColumnDecoders.Flags(chunk, flags.AsSpan(0, n));
                    convert[name] += Stopwatch.GetTimestamp() - t1;
                }
                else
                {
                    int nulls = ColumnDecoders.Numbers(chunk, values.AsSpan(0, n), isNull);
                    long t2 = Stopwatch.GetTimestamp();
                    convert[name] += t2 - t1;
                    MetricChecks.Check(new ExportErrorCollector(file.Name), name, values.AsSpan(0, n), isNull.AsSpan(0, n), nulls, name == "conversions", 0);
                    check[name] += Stopwatch.GetTimestamp() - t2;
                }
            }
        }
        var steps = new List<Step>();
        foreach (var name in chunks.Keys)
        {
            string type = chunks[name].Type.PhysicalName;
            steps.Add(new Step(name, $"Parquet.Net chunk read ({type})", Seconds(load[name]), loadBytes[name]));
            steps.Add(new Step(name, "Core conversion", Seconds(convert[name]), convertBytes[name]));
            if (check[name] > 0)
            {
                steps.Add(new Step(name, "Core metric checks", Seconds(check[name]), 0));
            }
        }
        return steps;
    }

    private static TimeSpan Seconds(long ticks) => TimeSpan.FromSeconds(ticks / (double)Stopwatch.Frequency);
}
