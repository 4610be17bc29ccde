using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Bench;

/// <summary>
/// <c>scale</c>: every registered estimator, point estimate alone and with 200 placebo replications, on seeded simulated
/// panels of 1000×200 and 5000×100, each case in a fresh child process that reports its CPU time (user + sys) for the
/// estimation and its peak RSS (VmHWM). A case still running after the per-case budget is killed and reported over budget.
/// </summary>
internal static class ScaleBenchmark
{
    public const string ChildMode = "--scale-case";
    private const string Command = "dotnet run -c Release --project bench/LiftPipeline.Bench -- scale";

    /// <summary>A panel shape: N0 controls, N1 treated, T0 pre and T1 post periods.</summary>
    private sealed record Shape(string Name, int N0, int N1, int T0, int T1)
    {
        public string Description => $"{Name} (N0={N0}, N1={N1}, T0={T0}, T1={T1})";
    }

    private sealed record Outcome(string Shape, string Estimator, string Se, double? CpuSeconds, double? WallSeconds, long? PeakKb, double? Att, double? StandardError, string Status);

    private static readonly Shape[] Shapes =
    [
        new("1000×200", 990, 10, 180, 20),
        new("5000×100", 4990, 10, 80, 20),
    ];

    /// <summary>The issue's figures before this work, and its targets, keyed by (shape, estimator, se).</summary>
    private static readonly Dictionary<(string, string, string), (string Today, string Target)> Issue = new()
    {
        [("1000×200", "trop", "none")] = ("> 600 s, 8.9 GB, unfinished", "< 60 s and < 1 GB"),
        [("5000×100", "trop", "none")] = ("OutOfMemory in tuning", "< 1.5 GB"),
        [("5000×100", "trop", "placebo")] = ("OutOfMemory in tuning", "< 1.5 GB"),
        [("1000×200", "geolift", "placebo")] = ("552 s", "≤ 3× sc"),
        [("1000×200", "geolift-ridge", "placebo")] = ("—", "≤ 3× sc"),
        [("5000×100", "geolift", "none")] = ("249 s", "—"),
        [("1000×200", "sdid", "placebo")] = ("53 s (exact solver)", "≤ 17 s (100× R at N0=1000)"),
        [("1000×200", "sc", "placebo")] = ("2.4 s", "—"),
        [("5000×100", "sc", "placebo")] = ("4.4 GB peak", "< 1.5 GB"),
        [("5000×100", "mc", "placebo")] = ("5.3 GB peak", "< 1.5 GB"),
    };

    public static int Run(string[] args)
    {
        double budget = 120;
        int replications = 200;
        bool write = true;
        string[] estimators = PanelEstimators.Names.ToArray();
        string[] shapes = Shapes.Select(s => s.Name).ToArray();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--max-seconds": budget = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--replications": replications = int.Parse(args[++i], CultureInfo.InvariantCulture); write = false; break;
                case "--estimators": estimators = args[++i].Split(','); write = false; break;
                case "--sizes": shapes = args[++i].Replace('x', '×').Split(','); write = false; break;
                case "--no-results": write = false; break;
                default:
                    Console.Error.WriteLine($"scale: unknown option '{args[i]}'");
                    return 2;
            }
        }
        var outcomes = new List<Outcome>();
        foreach (var shape in Shapes.Where(s => shapes.Contains(s.Name)))
        {
            foreach (string estimator in estimators)
            {
                var point = Measure(shape, estimator, "none", replications, budget);
                Report(point, outcomes);
                var placebo = point.Status == "ok"
                    ? Measure(shape, estimator, "placebo", replications, budget)
                    : point with { Se = "placebo", CpuSeconds = null, WallSeconds = null, PeakKb = null, Att = null, StandardError = null, Status = "skipped (point estimate " + point.Status + ")" };
                Report(placebo, outcomes);
            }
        }
        if (write)
        {
            ResultsFile.WriteSection("scale", Command, Section(outcomes, budget, replications));
        }
        return 0;
    }

    private static void Report(Outcome o, List<Outcome> outcomes)
    {
        outcomes.Add(o);
        Console.WriteLine(Inv($"{o.Shape,-9} {o.Estimator,-14} se={o.Se,-8} cpu {Cell(o.CpuSeconds, "F2"),8} s  wall {Cell(o.WallSeconds, "F2"),8} s  peak {Cell(o.PeakKb / 1024.0, "F0"),6} MiB  tau {Cell(o.Att, "F4"),9}  se {Cell(o.StandardError, "F4"),8}  {o.Status}"));
    }

    /// <summary>Runs one case in a child process, killing it after <paramref name="budget"/> seconds of wall time.</summary>
    private static Outcome Measure(Shape shape, string estimator, string se, int replications, double budget)
    {
        var start = PeakMemory.Self(ChildMode, estimator, se, Inv($"{shape.N0}"), Inv($"{shape.N1}"), Inv($"{shape.T0}"), Inv($"{shape.T1}"), Inv($"{replications}"));
        // Cases run with the GC setting `lift` and the Functions worker carry in their runtimeconfig.
        start.Environment["DOTNET_GCConserveMemory"] = ExperimentStatsBenchmark.ConserveMemory;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The scale child did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(budget)))
        {
            var (cpuSoFar, peakSoFar) = SoFar(process.Id);
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new Outcome(shape.Name, estimator, se, cpuSoFar, watch.Elapsed.TotalSeconds, peakSoFar, null, null,
                Inv($"over budget (> {budget:F0} s wall; CPU and peak so far, including generation)"));
        }
        string line = stdout.Result.Split('\n').FirstOrDefault(l => l.StartsWith("SCALE ", StringComparison.Ordinal)) ?? "";
        if (process.ExitCode != 0 || line.Length == 0)
        {
            string reason = (stderr.Result + stdout.Result).Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "no output";
            return new Outcome(shape.Name, estimator, se, null, watch.Elapsed.TotalSeconds, null, null, null, $"failed (exit {process.ExitCode}): {reason}");
        }
        var fields = line[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        double Number(string key) => double.Parse(fields[key], CultureInfo.InvariantCulture);
        return new Outcome(shape.Name, estimator, se, Number("cpu_s"), Number("wall_s"), (long)Number("hwm_kb"), Number("att"),
            fields["se"] == "NaN" ? null : Number("se"), "ok");
    }

    /// <summary>The child: generates the panel, estimates (and the placebo variance), prints one line of figures.</summary>
    public static int Child(string[] args)
    {
        string estimator = args[0], se = args[1];
        int n0 = Int(args[2]), n1 = Int(args[3]), t0 = Int(args[4]), t1 = Int(args[5]), replications = Int(args[6]);
        var data = SdidBenchmark.Simulated(n0, n1, t0, t1, seed: n0 + t0);
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var estimate = PanelEstimators.Create(estimator).Estimate(data);
        double standardError = double.NaN;
        if (se == "placebo")
        {
            standardError = new PlaceboVariance(new VarianceOptions { Replications = replications }).Estimate(estimate).StandardError;
        }
        self.Refresh();
        double cpuSeconds = (self.TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine(Inv($"SCALE cpu_s={cpuSeconds:F3} wall_s={watch.Elapsed.TotalSeconds:F3} hwm_kb={ReadHwmKb()} att={estimate.Att:R} se={standardError:R}"));
        return 0;
    }

    private static string Section(List<Outcome> outcomes, double budget, int replications)
    {
        var s = new StringBuilder();
        s.AppendLine("## `scale`: every estimator at 1000×200 and 5000×100, point estimate and 200 placebo replications");
        s.AppendLine();
        s.AppendLine(Inv($"Recorded {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `{Command}` on {Environment.ProcessorCount} cores ({RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription})."));
        s.AppendLine();
        s.AppendLine(Inv($"Each case runs in a fresh child process: a seeded simulated panel (two-way effects + rank-3 AR(1) factors + N(0,1) noise, effect 2, as `sdid`), the estimator's point estimate, and with `placebo` {replications} placebo replications (seed 1, all cores). CPU = user + sys of the child during estimation; peak = the child's VmHWM (panel included), with `System.GC.ConserveMemory={ExperimentStatsBenchmark.ConserveMemory}` as `lift` runs. Budget {budget:F0} s of wall time per case: a case still running is killed and shown over budget, and its placebo row skipped. \"Issue\" is the figure before this work and the target from the issue."));
        foreach (var shape in Shapes)
        {
            var rows = outcomes.Where(o => o.Shape == shape.Name).ToList();
            if (rows.Count == 0)
            {
                continue;
            }
            s.AppendLine();
            s.AppendLine($"### {shape.Description}");
            s.AppendLine();
            s.AppendLine("| estimator | se | CPU (s) | wall (s) | peak RSS (MiB) | τ | se | status | issue (before) | target |");
            s.AppendLine("|---|---|---:|---:|---:|---:|---:|---|---|---|");
            foreach (var o in rows)
            {
                var (today, target) = Issue.TryGetValue((o.Shape, o.Estimator, o.Se), out var figures) ? figures
                    : (o.Shape == "5000×100" && o.Se == "placebo" ? ("—", "< 1.5 GB") : ("—", "—"));
                s.AppendLine(Inv($"| {o.Estimator} | {o.Se} | {Cell(o.CpuSeconds, "F2")} | {Cell(o.WallSeconds, "F2")} | {Cell(o.PeakKb / 1024.0, "F0")} | {Cell(o.Att, "F4")} | {Cell(o.StandardError, "F4")} | {o.Status} | {today} | {target} |"));
            }
            var sc = rows.FirstOrDefault(o => o.Estimator == "sc" && o.Se == "placebo" && o.CpuSeconds is not null);
            foreach (string name in new[] { "geolift", "geolift-ridge" })
            {
                var geolift = rows.FirstOrDefault(o => o.Estimator == name && o.Se == "placebo");
                if (sc is not null && geolift?.CpuSeconds is double cpu)
                {
                    s.AppendLine();
                    s.AppendLine(Inv($"{name} ÷ sc with placebo, CPU time: {cpu / sc.CpuSeconds!.Value:F1}× (target ≤ 3×)."));
                }
            }
        }
        return s.ToString();
    }

    /// <summary>A running child's CPU seconds (utime + stime from /proc/pid/stat, at 100 ticks a second) and VmHWM so far.</summary>
    private static (double? Cpu, long? PeakKb) SoFar(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
            long? peak = null;
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
            return (cpu, peak);
        }
        catch (IOException)
        {
            return (null, null);
        }
    }

    private static long ReadHwmKb()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    private static string Cell(double? value, string format) => value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
