using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Bench;

/// <summary>
/// <c>mc</c>: matrix completion with cross-validation on a simulated 100 × 140 panel, and TROP tuning + estimate on
/// Prop99. One warm-up, then R timed runs each; medians reported and written to bench/RESULTS.md (section <c>mc</c>).
/// Then the scale cases — TROP tuned + estimated at 1000 × 200 and MC cross-validated at 5000 × 100, point estimates
/// only — each in a fresh child process (the bench re-invoked with <see cref="ChildMode"/>) reporting the case's CPU
/// time and the process's peak RSS (VmHWM), beside the issue's figures for the same cases and the targets; a case
/// still running after <c>--case-limit</c> seconds of wall time (default 900) is stopped and reported as such.
/// </summary>
internal static class McBenchmark
{
    private const string Section = "mc";

    /// <summary>The hidden child mode: <c>--measure-mc-case NAME</c> runs one scale case and prints one line of figures.</summary>
    public const string ChildMode = "--measure-mc-case";

    private sealed record ScaleCase(string Name, string What, string Data, string Today, string Target, Func<PanelEstimate> Run);

    private static readonly ScaleCase[] ScaleCases =
    [
        new("mc-5000x100", "MC, λ by 5-split cross-validation (20 penalties), no variance",
            "simulated 5000 × 100 (4990 control, 10 treated × 20 post)", "5.3 GB peak", "O(N·T) memory (< 1.5 GB)",
            () => new MatrixCompletion().Estimate(Simulate(seed: 1, n0: 4990, n1: 10, t0: 80, t1: 20, effect: 1))),
        new("trop-1000x200", "TROP, tuning (default grids, 2 cycles, ≤ 40 pseudo-treated units, cell budget 10⁷) + estimate, no variance",
            "simulated 1000 × 200 (990 control, 10 treated × 20 post)", "> 600 s, 8.9 GB, still running", "< 60 s CPU, < 1 GB",
            () => new TriplyRobustPanel().Estimate(Simulate(seed: 1, n0: 990, n1: 10, t0: 180, t1: 20, effect: 1))),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        int runs = Option(args, "--runs", 3);
        int limit = Option(args, "--case-limit", 900);
#if DEBUG
        Console.Error.WriteLine("mc: built in Debug; run with -c Release for meaningful figures.");
#endif
        string root = ResultsFile.RepositoryRoot();
        var simulated = Simulate(seed: 1, n0: 90, n1: 10, t0: 120, t1: 20, effect: 1);
        var mc = new MatrixCompletion();
        var (mcTime, mcEstimate) = Time(() => mc.Estimate(simulated), runs);
        string mcLine = Inv($"| MC, λ by 5-split cross-validation (20 penalties) | simulated 100 × 140 (90 control, 10 treated × 20 post; rank 3 + noise; true effect 1) | {mcTime:F2} s | τ̂ = {mcEstimate.Att:F3}, λ = {mcEstimate.Tuning["lambda"]:G4} (λ_max {mcEstimate.Tuning["lambda_max"]:G4}) |");
        Console.WriteLine(mcLine);

        var panel = await PanelExportReader.ReadAsync(Path.Combine(root, "tests", "data", "panels", "california_prop99.parquet"));
        var prop99 = BlockPanel.FromPanel(panel, "packs_per_capita");
        var trop = new TriplyRobustPanel();
        var (tropTime, tropEstimate) = Time(() => trop.Estimate(prop99), runs);
        string nn = tropEstimate.Tuning.TryGetValue("lambda_nn", out double l) ? l.ToString("G4", CultureInfo.InvariantCulture) : "∞";
        string tropLine = Inv($"| TROP, tuning (default grids, 2 cycles) + estimate | Prop99, 39 × 31 (38 control, 1 treated × 12 post) | {tropTime:F2} s | τ̂ = {tropEstimate.Att:F3}, λ_time = {tropEstimate.Tuning["lambda_time"]:G4}, λ_unit = {tropEstimate.Tuning["lambda_unit"]:G4}, λ_nn = {nn} |");
        Console.WriteLine(tropLine);

        var mcProp99 = mc.Estimate(prop99);
        string prop99Line = Inv($"| MC, same options | Prop99 | — | τ̂ = {mcProp99.Att:F3} (published −20.2), λ = {mcProp99.Tuning["lambda"]:G4} |");
        Console.WriteLine(prop99Line);
        var scaleLines = new List<string>();
        foreach (var scale in ScaleCases)
        {
            var (cpu, peakKb, result) = MeasureChild(scale.Name, limit);
            string line = cpu is double seconds
                ? Inv($"| {scale.What} | {scale.Data} | {seconds:F1} s | {peakKb / 1024.0:F0} MiB | {scale.Today} | {scale.Target} | {result} |")
                : Inv($"| {scale.What} | {scale.Data} | stopped after {limit} s wall | {peakKb / 1024.0:F0} MiB so far | {scale.Today} | {scale.Target} | {result} |");
            Console.WriteLine(line);
            scaleLines.Add(line);
        }
        WriteSection(runs, [mcLine, tropLine, prop99Line], scaleLines);
        return 0;
    }

    /// <summary>The child side: one scale case, then <c>CASE cpu_s=… hwm_kb=… result</c> on stdout.</summary>
    public static int Child(string name)
    {
        var scale = ScaleCases.FirstOrDefault(c => c.Name == name);
        if (scale is null)
        {
            Console.Error.WriteLine($"mc: no scale case '{name}'.");
            return 2;
        }
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        var estimate = scale.Run();
        process.Refresh();
        double cpu = (process.TotalProcessorTime - before).TotalSeconds;
        string tuning = string.Join(", ", estimate.Tuning.Select(kv => Inv($"{kv.Key} = {kv.Value:G4}")));
        Console.WriteLine(Inv($"CASE cpu_s={cpu:F3} hwm_kb={PeakMemory.ReadStatusKb("VmHWM")} τ̂ = {estimate.Att:F3}; {tuning}"));
        return 0;
    }

    /// <summary>
    /// The parent side: runs the child for <paramref name="name"/> and parses its figures; a child still running after
    /// <paramref name="limitSeconds"/> of wall time is stopped and reported with its peak RSS so far (CPU null).
    /// </summary>
    private static (double? CpuSeconds, long PeakKb, string Result) MeasureChild(string name, int limitSeconds)
    {
        var start = PeakMemory.Self(ChildMode, name);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("The mc child did not start.");
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEndAsync();
        long peakSoFar = 0;
        var watch = Stopwatch.StartNew();
        while (!child.WaitForExit(1000))
        {
            peakSoFar = Math.Max(peakSoFar, StatusKb(child.Id, "VmHWM"));
            if (watch.Elapsed.TotalSeconds > limitSeconds)
            {
                child.Kill();
                child.WaitForExit();
                return (null, peakSoFar, "—");
            }
        }
        string line = stdout.Result.Split('\n').FirstOrDefault(l => l.StartsWith("CASE ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The mc child for {name} (exit {child.ExitCode}) printed no figures.\n{stdout.Result}\n{stderr.Result}");
        var parts = line[5..].Split(' ', 3);
        double cpu = double.Parse(parts[0]["cpu_s=".Length..], CultureInfo.InvariantCulture);
        long peak = long.Parse(parts[1]["hwm_kb=".Length..], CultureInfo.InvariantCulture);
        return (cpu, peak, parts[2]);
    }

    /// <summary>A <c>kB</c> figure of another process from <c>/proc/PID/status</c>, or 0 when unavailable.</summary>
    private static long StatusKb(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(key + ":", StringComparison.Ordinal))
                {
                    return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static (double Seconds, PanelEstimate Estimate) Time(Func<PanelEstimate> run, int runs)
    {
        var estimate = run();
        var seconds = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            var watch = Stopwatch.StartNew();
            estimate = run();
            seconds[r] = watch.Elapsed.TotalSeconds;
        }
        Array.Sort(seconds);
        return (seconds[runs / 2], estimate);
    }

    /// <summary>Y = α_i + β_t + U F' (rank 3) + N(0, 0.5²) noise + effect on treated post cells; treated units load more on factor 1.</summary>
    internal static BlockPanel Simulate(int seed, int n0, int n1, int t0, int t1, double effect)
    {
        var random = new Random(seed);
        int n = n0 + n1, T = t0 + t1;
        var f = new double[3, T];
        for (int t = 0; t < T; t++)
        {
            f[0, t] = t / (double)T;
            f[1, t] = Math.Sin(t / 7.0);
            f[2, t] = Math.Cos(t / 3.0);
        }
        var y = new double[n * T];
        for (int i = 0; i < n; i++)
        {
            double alpha = Normal(random), u0 = Normal(random) + (i >= n0 ? 1 : 0), u1 = Normal(random), u2 = Normal(random);
            for (int t = 0; t < T; t++)
            {
                y[i * T + t] = alpha + 0.05 * t + 3 * (u0 * f[0, t] + u1 * f[1, t] + u2 * f[2, t]) + 0.5 * Normal(random)
                    + (i >= n0 && t >= t0 ? effect : 0);
            }
        }
        return new BlockPanel(y, n0, n1, t0, t1);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static void WriteSection(int runs, string[] lines, IReadOnlyList<string> scaleLines)
    {
        var s = new StringBuilder();
        s.AppendLine("## `mc`: matrix completion with cross-validation, and TROP tuning");
        s.AppendLine();
        s.AppendLine(Inv($"Recorded {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `dotnet run -c Release --project bench/LiftPipeline.Bench -- mc` on {Environment.ProcessorCount} cores ({RuntimeInformation.OSDescription}, .NET {Environment.Version}); one warm-up, median of {runs} runs; cross-validation splits and TROP's pseudo-treated units run in parallel on all cores."));
        s.AppendLine();
        s.AppendLine("| what | data | time | result |");
        s.AppendLine("|---|---|---:|---|");
        foreach (var line in lines)
        {
            s.AppendLine(line);
        }
        s.AppendLine();
        s.AppendLine("Scale cases, point estimates only, each in a fresh child process: CPU time of the estimate (all threads) and the process's peak RSS (VmHWM). \"Today\" is the issue's measurement before pseudo-treated units were capped and the SVD made thin.");
        s.AppendLine();
        s.AppendLine("| what | data | CPU | peak RSS | today (issue 13) | target | result |");
        s.AppendLine("|---|---|---:|---:|---|---|---|");
        foreach (var line in scaleLines)
        {
            s.AppendLine(line);
        }
        ResultsFile.WriteSection(Section, "LiftPipeline.Bench mc", s.ToString());
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
