using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Estimators;

/// <summary>
/// A simulated block panel Y = α_i + β_t + Σ_r u_ir·f_rt + noise, plus <c>effect</c> on treated post cells. Treated
/// units load more on the second factor, which trends after treatment starts, so parallel trends (DiD) fail.
/// </summary>
internal static class FactorPanel
{
    public static BlockPanel Simulate(int seed, double effect, int n0 = 30, int n1 = 3, int t0 = 25, int t1 = 5, double noise = 0.1)
    {
        var random = new Random(seed);
        int n = n0 + n1, T = t0 + t1;
        var f1 = new double[T];
        var f2 = new double[T];
        for (int t = 0; t < T; t++)
        {
            f1[t] = Math.Sin(t / 3.0);
            f2[t] = t / (double)T + 0.3 * Math.Cos(t / 2.0);
        }
        var y = new double[n * T];
        for (int i = 0; i < n; i++)
        {
            double alpha = Normal(random), u1 = Normal(random), u2 = Normal(random) + (i >= n0 ? 3 : 0);
            for (int t = 0; t < T; t++)
            {
                double beta = 0.1 * t;
                y[i * T + t] = alpha + beta + u1 * f1[t] + 2 * u2 * f2[t] + noise * Normal(random) + (i >= n0 && t >= t0 ? effect : 0);
            }
        }
        return new BlockPanel(y, n0, n1, t0, t1);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
