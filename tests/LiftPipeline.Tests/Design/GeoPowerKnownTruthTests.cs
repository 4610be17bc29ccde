using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Design;

/// <summary>
/// Power simulations on panels where the truth is known: markets follow a two-factor model with iid noise, so a
/// synthetic control of the treated average fits well and its residuals are exchangeable; the injected lift is the
/// only effect. Each seed is an independent panel, so rejections at effect 0 are independent Bernoulli(size) draws.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class GeoPowerKnownTruthTests
{
    private const int Panels = 200;
    private static readonly double[] Effects = [0, 0.01, 0.02, 0.05, 0.1];
    private static readonly Lazy<GeoPowerCurve[]> Curves = new(() =>
        Enumerable.Range(1, Panels).Select(seed => GeoPowerAnalysis.Curve(FactorMarkets(seed), ["m00", "m01", "m02"], new GeoDesignOptions
        {
            TreatmentPeriods = [10],
            EffectSizes = Effects,
            Permutations = 500,
            CalibrationWindows = 0,
            Seed = seed,
        })).ToArray());

    [Fact]
    public void Rejection_rate_at_effect_zero_is_within_a_binomial_bound_of_alpha()
    {
        double rate = Curves.Value.Average(c => c.Points[0].Power);

        // 200 independent tests at alpha 0.1: sd 0.021; ±3.3 sd is a 99.9% band.
        Assert.InRange(rate, 0.1 - 3.3 * Math.Sqrt(0.09 / Panels), 0.1 + 3.3 * Math.Sqrt(0.09 / Panels));
    }

    [Fact]
    public void Power_rises_with_the_effect_and_a_large_effect_is_found_almost_always()
    {
        var power = Enumerable.Range(0, Effects.Length).Select(k => Curves.Value.Average(c => c.Points[k].Power)).ToArray();

        for (int k = 1; k < power.Length; k++)
        {
            Assert.True(power[k] >= power[k - 1] - 0.03, $"power by effect: {string.Join(' ', power)}");
        }
        Assert.True(power[^1] >= 0.9, $"power by effect: {string.Join(' ', power)}");
        Assert.True(power[^1] > power[0] + 0.5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Detected_lift_is_unbiased_for_the_injected_effect(int k)
    {
        var lifts = Curves.Value.Select(c => c.Points[k].AvgDetectedLift).ToArray();
        double mean = lifts.Average();
        double se = Math.Sqrt(lifts.Sum(l => (l - mean) * (l - mean)) / (lifts.Length - 1) / lifts.Length);

        Assert.InRange(mean - Effects[k], -4 * se, 4 * se);
    }

    /// <summary>
    /// 24 markets × 80 days: Y_it = a_i + b_i1 f_1t + b_i2 f_2t + ε_it, levels 100–200, factor loadings 5–15 on a weekly
    /// and a slow AR(1) factor, ε iid N(0, 2²).
    /// </summary>
    internal static GeoDesignPanel FactorMarkets(int seed, int markets = 24, int periods = 80)
    {
        var random = new Random(seed);
        var slow = new double[periods];
        for (int t = 1; t < periods; t++)
        {
            slow[t] = 0.9 * slow[t - 1] + Normal(random);
        }
        var y = new double[markets * periods];
        for (int i = 0; i < markets; i++)
        {
            double level = 100 + 100 * random.NextDouble(), weekly = 5 + 10 * random.NextDouble(), trend = 5 + 10 * random.NextDouble();
            for (int t = 0; t < periods; t++)
            {
                y[i * periods + t] = level + weekly * Math.Sin(2 * Math.PI * t / 7) + trend * slow[t] / 3 + 2 * Normal(random);
            }
        }
        var names = Enumerable.Range(0, markets).Select(i => $"m{i:D2}").ToArray();
        return new GeoDesignPanel(names, Enumerable.Range(1, periods).Select(p => Period.FromInteger(p)).ToArray(), y);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
