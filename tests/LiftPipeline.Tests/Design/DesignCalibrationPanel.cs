using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Design;

/// <summary>
/// A pre-test panel with known truth (no effect anywhere): market i has size b_i = exp(0.5 z_i) (× <c>scale</c> for the
/// two test markets 0 and 1) and outcome 100 b_i (10 + f_t) + 100 √b_i · noise · e_it, where the common factor
/// f_t = trend · t/T + a weekly cycle + a N(0, 0.25) shock and e_it is AR(<c>rho</c>) with unit variance. With
/// scale 4 the test markets lie outside the donors' convex hull even after de-meaning: no simplex combination of
/// donors reaches their loading on f, so the synthetic control leaves (b_test − b_synthetic)(f_t − f̄) in every residual.
/// </summary>
internal static class DesignCalibrationPanel
{
    public static readonly int[] Test = [0, 1];

    public static GeoDesignPanel Simulate(int seed, double trend = 0, double rho = 0, double noise = 0.3, double scale = 1, int markets = 20, int periods = 90)
    {
        var random = new Random(seed);
        var f = new double[periods];
        for (int t = 0; t < periods; t++)
        {
            f[t] = trend * t / periods + Math.Sin(2 * Math.PI * t / 7) + 0.5 * Normal(random);
        }
        var y = new double[markets * periods];
        for (int i = 0; i < markets; i++)
        {
            double b = Math.Exp(0.5 * Normal(random)) * (i < Test.Length ? scale : 1);
            double e = 0;
            for (int t = 0; t < periods; t++)
            {
                e = rho * e + Math.Sqrt(1 - rho * rho) * Normal(random);
                y[i * periods + t] = 100 * b * (10 + f[t]) + 100 * Math.Sqrt(b) * noise * e;
            }
        }
        return new GeoDesignPanel(
            Enumerable.Range(0, markets).Select(i => "market" + i).ToArray(),
            Enumerable.Range(0, periods).Select(t => Period.FromInteger(t)).ToArray(),
            y);
    }

    public static int[] Donors(GeoDesignPanel data) => Enumerable.Range(Test.Length, data.N - Test.Length).ToArray();

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
