using System.Globalization;
using System.Text;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Simulation;

/// <summary>
/// Operating characteristics of one (estimator, variance method) pair over simulated panels with known τ:
/// bias and RMSE of τ̂, its Monte-Carlo sd, coverage of the interval, rejection rate of τ = 0 at 1 − level
/// (the size when τ = 0, power otherwise), mean interval width and mean standard error (NaN where the method
/// reports none). Failures count replications the method refused (for example too few controls).
/// </summary>
public sealed record SimulationResult(
    string Estimator, string Variance, int Replications, double Tau, double Bias, double Sd, double Rmse,
    double Coverage, double RejectionRate, double MeanCiWidth, double MeanStandardError, int Failures);

/// <summary>
/// The simulation harness: draws panels from a <see cref="FactorModel"/>, runs any estimator and variance methods by
/// registry name, and summarises against the known τ. Replication r uses panel seed (seed, r) and variance seed
/// (seed, r) + 1, so results do not depend on the degree of parallelism.
/// </summary>
public static class SimulationStudy
{
    /// <summary>Runs <paramref name="estimator"/> with each of <paramref name="variances"/> on the same panels.</summary>
    public static IReadOnlyList<SimulationResult> Run(FactorModel design, string estimator, IReadOnlyList<string> variances,
        int replications, int seed, VarianceOptions? varianceOptions = null, int maxDegreeOfParallelism = -1, PanelEstimatorSettings? settings = null)
    {
        var model = PanelEstimators.Create(estimator, settings);
        var options = (varianceOptions ?? new VarianceOptions()) with { MaxDegreeOfParallelism = 1, Progress = null };
        var tau = new double[replications];
        var outcomes = new Uncertainty?[variances.Count, replications];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, replications, parallel, r =>
        {
            int panelSeed = unchecked(seed * 7_368_787 + r * 2);
            var estimate = model.Estimate(design.Draw(panelSeed));
            tau[r] = estimate.Att;
            for (int v = 0; v < variances.Count; v++)
            {
                var method = VarianceEstimators.Create(variances[v], options with { Seed = unchecked(panelSeed + 1) });
                outcomes[v, r] = TryEstimate(method, estimate);
            }
        });
        return variances.Select((name, v) => Summarise(design.Tau, model.Name, name, tau, Column(outcomes, v), 1 - options.Level)).ToArray();
    }

    /// <summary>A markdown table of results, one row per (estimator, variance method).</summary>
    public static string Table(IEnumerable<SimulationResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| estimator | variance | reps | τ | bias | sd | RMSE | coverage | rejection | CI width | mean se | failures |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Estimator} | {r.Variance} | {r.Replications} | {r.Tau:G4} | {r.Bias:F4} | {r.Sd:F4} | {r.Rmse:F4} | {r.Coverage:F3} | {r.RejectionRate:F3} | {r.MeanCiWidth:F3} | {r.MeanStandardError:F4} | {r.Failures} |"));
        }
        return text.ToString();
    }

    private static Uncertainty? TryEstimate(IVarianceEstimator method, PanelEstimate estimate)
    {
        try
        {
            return method.Estimate(estimate);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static Uncertainty?[] Column(Uncertainty?[,] outcomes, int v)
    {
        var column = new Uncertainty?[outcomes.GetLength(1)];
        for (int r = 0; r < column.Length; r++)
        {
            column[r] = outcomes[v, r];
        }
        return column;
    }

    private static SimulationResult Summarise(double truth, string estimator, string variance, double[] tau, Uncertainty?[] outcomes, double alpha)
    {
        int n = tau.Length;
        double mean = tau.Average();
        double sd = Math.Sqrt(tau.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        double rmse = Math.Sqrt(tau.Sum(x => (x - truth) * (x - truth)) / n);
        var done = outcomes.Where(u => u is not null).Select(u => u!).ToArray();
        double coverage = done.Length == 0 ? double.NaN : done.Count(u => u.CiLow <= truth && truth <= u.CiHigh) / (double)done.Length;
        double rejection = done.Length == 0 ? double.NaN : done.Count(u => u.PValue <= alpha) / (double)done.Length;
        double width = done.Length == 0 ? double.NaN : done.Average(u => u.CiHigh - u.CiLow);
        double se = done.Length == 0 ? double.NaN : done.Average(u => u.StandardError);
        return new SimulationResult(estimator, variance, n, truth, mean - truth, sd, rmse, coverage, rejection, width, se, n - done.Length);
    }
}
