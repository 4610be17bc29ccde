using System.Diagnostics;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;

namespace LiftPipeline.Bench;

/// <summary>
/// The contender under test: streaming ingestion through <see cref="ExperimentExportReader"/> plus per-arm sums.
/// Each worker opens its own <see cref="ExportFile"/> and reader, takes row groups worker, worker+W, …,
/// accumulates by arm code, and the results are merged by arm name.
/// </summary>
internal static class OurIngestion
{
    // Column projection: the same four columns DuckDB's query reads (arm, conversions, revenue, pre_revenue).
    private static readonly ExperimentExportOptions Options = new()
    {
        CountOutcomes = new HashSet<string> { "conversions" },
        Outcomes = ["conversions", "revenue"],
        Covariates = ["pre_revenue"],
        OptionalColumns = new HashSet<string>(),
    };

    /// <summary>Time split of one worker: waiting on <see cref="ExperimentExportReader.ReadRowGroupAsync"/> vs the aggregation loop.</summary>
    public sealed record Split(TimeSpan Open, TimeSpan Read, TimeSpan Aggregate);

    public static async Task<IReadOnlyList<ArmTotal>> RunAsync(string path, int workers)
    {
        var tasks = new Task<WorkerResult>[workers];
        for (int w = 0; w < workers; w++)
        {
            int worker = w;
            tasks[w] = Task.Run(() => RunWorkerAsync(path, worker, workers, timed: false));
        }
        var results = await Task.WhenAll(tasks);
        return Merge(results);
    }

    /// <summary>One worker over every row group, timing reads and aggregation separately.</summary>
    public static async Task<(IReadOnlyList<ArmTotal> Totals, Split Split)> RunTimedAsync(string path)
    {
        var result = await RunWorkerAsync(path, 0, 1, timed: true);
        return (Merge([result]), result.Split!);
    }

    private static async Task<WorkerResult> RunWorkerAsync(string path, int worker, int workers, bool timed)
    {
        long start = Stopwatch.GetTimestamp();
        await using var file = await ExportFile.OpenAsync(path);
        var reader = ExperimentExportReader.Open(file, Options);
        int conversionsIndex = IndexOf(reader.Outcomes, "conversions");
        int revenueIndex = IndexOf(reader.Outcomes, "revenue");
        int preRevenueIndex = IndexOf(reader.Covariates, "pre_revenue");
        var sums = new ArmSums();
        long opened = Stopwatch.GetTimestamp();
        long readTicks = 0;
        long aggregateTicks = 0;
        for (int g = worker; g < reader.RowGroupCount; g += workers)
        {
            long before = timed ? Stopwatch.GetTimestamp() : 0;
            var batch = await reader.ReadRowGroupAsync(g);
            long read = timed ? Stopwatch.GetTimestamp() : 0;
            sums.Add(batch.Arms, batch.Outcome(conversionsIndex), batch.Outcome(revenueIndex), batch.Covariate(preRevenueIndex), reader.Arms.Count);
            if (timed)
            {
                long after = Stopwatch.GetTimestamp();
                readTicks += read - before;
                aggregateTicks += after - read;
            }
        }
        var names = reader.Arms.Names;
        var totals = new ArmTotal[names.Count];
        for (int code = 0; code < names.Count; code++)
        {
            totals[code] = sums.Total(code, names[code]);
        }
        var split = timed
            ? new Split(Stopwatch.GetElapsedTime(start, opened), TimeSpan.FromSeconds(readTicks / (double)Stopwatch.Frequency), TimeSpan.FromSeconds(aggregateTicks / (double)Stopwatch.Frequency))
            : null;
        return new WorkerResult(totals, split);
    }

    private static IReadOnlyList<ArmTotal> Merge(IEnumerable<WorkerResult> results)
    {
        var merged = new SortedDictionary<string, ArmTotal>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            foreach (var t in result.Totals)
            {
                merged[t.Arm] = merged.TryGetValue(t.Arm, out var m)
                    ? new ArmTotal(t.Arm, m.Count + t.Count, m.Conversions + t.Conversions, m.Revenue + t.Revenue, m.PreRevenue + t.PreRevenue)
                    : t;
            }
        }
        return [.. merged.Values];
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }
        throw new InvalidOperationException($"The reader does not expose column '{name}' (has {string.Join(", ", names)}).");
    }

    private sealed record WorkerResult(ArmTotal[] Totals, Split? Split);

    /// <summary>Running sums indexed by the reader's arm code; grows when the reader meets a new arm.</summary>
    private sealed class ArmSums
    {
        private long[] _count = new long[4];
        private double[] _conversions = new double[4];
        private double[] _revenue = new double[4];
        private double[] _preRevenue = new double[4];

        public void Add(ReadOnlySpan<int> arms, ReadOnlySpan<double> conversions, ReadOnlySpan<double> revenue, ReadOnlySpan<double> preRevenue, int armCount)
        {
            if (armCount > _count.Length)
            {
                int size = Math.Max(armCount, _count.Length * 2);
                Array.Resize(ref _count, size);
                Array.Resize(ref _conversions, size);
                Array.Resize(ref _revenue, size);
                Array.Resize(ref _preRevenue, size);
            }
            var count = _count.AsSpan();
            var conversionSums = _conversions.AsSpan();
            var revenueSums = _revenue.AsSpan();
            var preSums = _preRevenue.AsSpan();
            conversions = conversions[..arms.Length];
            revenue = revenue[..arms.Length];
            preRevenue = preRevenue[..arms.Length];
            for (int i = 0; i < arms.Length; i++)
            {
                int arm = arms[i];
                count[arm]++;
                conversionSums[arm] += conversions[i];
                revenueSums[arm] += revenue[i];
                preSums[arm] += preRevenue[i];
            }
        }

        public ArmTotal Total(int code, string name) =>
            new(name, code < _count.Length ? _count[code] : 0, Get(_conversions, code), Get(_revenue, code), Get(_preRevenue, code));

        private static double Get(double[] values, int code) => code < values.Length ? values[code] : 0.0;
    }
}
