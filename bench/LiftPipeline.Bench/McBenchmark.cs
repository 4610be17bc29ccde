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
/// </summary>
internal static class McBenchmark
{
    private const string Section = "mc";

    public static async Task<int> RunAsync(string[] args)
    {
        int runs = args.Length >= 2 && args[0] == "--runs" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
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
        WriteSection(runs, [mcLine, tropLine, prop99Line]);
        return 0;
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

    private static void WriteSection(int runs, string[] lines)
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
        ResultsFile.WriteSection(Section, "LiftPipeline.Bench mc", s.ToString());
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
