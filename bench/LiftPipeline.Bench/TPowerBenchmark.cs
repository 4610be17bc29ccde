using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using LiftPipeline.Statistics.Experiments.Power;
using MathNet.Numerics.RootFinding;

namespace LiftPipeline.Bench;

/// <summary>
/// <c>t-power</c>: the two-sample t-test sample size (R's <c>power.t.test</c>) as <see cref="TwoSampleTPower"/> solves
/// it — Brent's method in a bracket grown from the normal approximation — against the same root found in the fixed
/// bracket [2, 10⁷] that the solver used before, in one run: CPU time of each, their ratio, and both roots.
/// </summary>
internal static class TPowerBenchmark
{
    private const string Command = "dotnet run -c Release --project bench/LiftPipeline.Bench -- t-power";

    // (delta, sd, power) with R's power.t.test n where published in the tests: 22.02110 for (1, 1, 0.9).
    private static readonly (double Delta, double Sd, double Power)[] Cases = [(1, 1, 0.9), (0.5, 1, 0.8), (0.2, 1, 0.8)];

    public static int Run(string[] args)
    {
        bool write = !args.Contains("--no-results");
#if DEBUG
        Console.Error.WriteLine("t-power: built in Debug; run with -c Release for meaningful figures.");
#endif
        TwoSampleTPower.SampleSizePerGroup(0.8, 1, 0.8);   // warm-up: JIT and MathNet's tables, outside the timings
        var rows = new List<string>();
        foreach (var (delta, sd, power) in Cases)
        {
            var (ours, oursCpu) = Cpu(() => TwoSampleTPower.SampleSizePerGroup(delta, sd, power));
            var (wide, wideCpu) = Cpu(() => Brent.FindRoot(n => TwoSampleTPower.Power(n, delta, sd) - power, 2, 1e7, 1e-10, 200));
            string row = Inv($"| δ = {delta}, σ = {sd}, power {power} | {ours:F4} | {oursCpu * 1000:F1} ms | {wide:F4} | {wideCpu:F2} s | {wideCpu / oursCpu:N0}× |");
            Console.WriteLine(row);
            rows.Add(row);
        }
        if (write)
        {
            var s = new StringBuilder();
            s.AppendLine("## `t-power`: t-test sample size, bracket from the normal approximation vs the fixed bracket [2, 10⁷]");
            s.AppendLine();
            s.AppendLine(Inv($"Recorded {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `{Command}` on {Environment.ProcessorCount} cores ({RuntimeInformation.OSDescription}, .NET {Environment.Version}); process CPU time of one solve each after one warm-up solve, same power function, same tolerance (1e-10)."));
            s.AppendLine();
            s.AppendLine("| case | n per group (ours) | CPU | n per group (fixed bracket) | CPU | ratio |");
            s.AppendLine("|---|---:|---:|---:|---:|---:|");
            rows.ForEach(r => s.AppendLine(r));
            ResultsFile.WriteSection("t-power", Command, s.ToString());
        }
        return 0;
    }

    private static (double Value, double CpuSeconds) Cpu(Func<double> solve)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        double value = solve();
        process.Refresh();
        return (value, (process.TotalProcessorTime - before).TotalSeconds);
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
