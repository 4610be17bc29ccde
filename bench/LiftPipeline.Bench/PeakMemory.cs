using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace LiftPipeline.Bench;

/// <summary>
/// Peak memory of our ingestion, measured in a fresh child process (the bench re-invoked with the hidden
/// <c>--measure-peak FILE</c> mode) so nothing else the bench did (generation, DuckDB) shows in its high-water mark.
/// </summary>
internal static class PeakMemory
{
    public const string Mode = "--measure-peak";

    /// <summary>The child mode that measures an <c>experiment-stats</c> pass instead of ingestion.</summary>
    public const string StatisticsMode = "--measure-stats-peak";

    /// <summary>The child mode that runs DuckDB's <c>experiment-stats</c> query at one thread instead of ours.</summary>
    public const string DuckDbMode = "--measure-duckdb-peak";

    public sealed record Figures(long? HeapLimitMiB, long Rows, int Workers, long BaselineHwmKb, long PeakHwmKb, long AllocatedBytes, int Gen0, int Gen1, int Gen2, double PauseSeconds, double Seconds);

    /// <summary>The child side: one ingestion run, then one line of figures on stdout.</summary>
    public static async Task<int> ChildAsync(string path, int workers, string mode)
    {
        long baseline = ReadStatusKb("VmHWM");
        long start = Stopwatch.GetTimestamp();
        long rows = 0;
        if (mode == DuckDbMode)
        {
            rows = ExperimentStatsBenchmark.DuckDbRows(path);
        }
        else if (mode == StatisticsMode)
        {
            rows = (await ExperimentStatsBenchmark.OursAsync(path, workers)).N;
        }
        else
        {
            foreach (var t in await OurIngestion.RunAsync(path, workers))
            {
                rows += t.Count;
            }
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long peak = ReadStatusKb("VmHWM");
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PEAK rows={rows} workers={workers} baseline_hwm_kb={baseline} hwm_kb={peak} allocated_bytes={allocated} gen0={GC.CollectionCount(0)} gen1={GC.CollectionCount(1)} gen2={GC.CollectionCount(2)} pause_s={GC.GetTotalPauseDuration().TotalSeconds:F3} seconds={seconds:F3}"));
        return 0;
    }

    /// <summary>
    /// How to start this bench again as a child process with <paramref name="arguments"/> (output and error redirected):
    /// the same executable, and the same assembly when launched as <c>dotnet LiftPipeline.Bench.dll</c>.
    /// </summary>
    public static ProcessStartInfo Self(params string[] arguments)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which executable runs the bench.");
        var start = new ProcessStartInfo { FileName = host, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    /// <summary>The parent side: runs the child on <paramref name="path"/> and parses its figures.</summary>
    public static Figures Measure(string path, int workers, long? heapLimitMiB = null, string mode = Mode, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = Self(mode, path, "--workers", workers.ToString(CultureInfo.InvariantCulture));
        if (heapLimitMiB is { } limit)
        {
            start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + (limit * 1048576).ToString("X", CultureInfo.InvariantCulture);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The peak-memory child did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("PEAK ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The peak-memory child (exit {process.ExitCode}) printed no figures.\n{stdout}\n{stderr.Result}");
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The peak-memory child failed with exit {process.ExitCode}.\n{stdout}\n{stderr.Result}");
        }
        var fields = line[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        return new Figures(
            heapLimitMiB,
            long.Parse(fields["rows"], CultureInfo.InvariantCulture),
            int.Parse(fields["workers"], CultureInfo.InvariantCulture),
            long.Parse(fields["baseline_hwm_kb"], CultureInfo.InvariantCulture),
            long.Parse(fields["hwm_kb"], CultureInfo.InvariantCulture),
            long.Parse(fields["allocated_bytes"], CultureInfo.InvariantCulture),
            int.Parse(fields["gen0"], CultureInfo.InvariantCulture),
            int.Parse(fields["gen1"], CultureInfo.InvariantCulture),
            int.Parse(fields["gen2"], CultureInfo.InvariantCulture),
            double.Parse(fields["pause_s"], CultureInfo.InvariantCulture),
            double.Parse(fields["seconds"], CultureInfo.InvariantCulture));
    }

    /// <summary>A <c>kB</c> figure from <c>/proc/self/status</c> (Linux), or -1 when unavailable.</summary>
    public static long ReadStatusKb(string key)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return -1;
        }
        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
            {
                var parts = line[(key.Length + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        }
        return -1;
    }
}
