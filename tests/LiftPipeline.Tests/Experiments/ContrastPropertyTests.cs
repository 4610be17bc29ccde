using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Experiments.Contrasts;
using Xunit.Abstractions;
using static LiftPipeline.Tests.Experiments.SufficientStatisticDraws;

namespace LiftPipeline.Tests.Experiments;

/// <summary>Invariances and special cases that tie the contrasts to each other.</summary>
public sealed class ContrastPropertyTests(ITestOutputHelper output)
{
    private static readonly SampleMoments Control = new(3407, 1396.87, 52377.9767);
    private static readonly SampleMoments Treatment = new(3461, 2422.7, 134698.29);

    private static SampleMoments Shift(SampleMoments m, double c) => new(m.N, m.Sum + m.N * c, m.SumSquares + 2 * c * m.Sum + m.N * c * c);

    [Fact]
    public void Shifting_both_arms_by_a_constant_leaves_the_absolute_contrast_unchanged()
    {
        var before = WelchContrast.OfMeans(Control, Treatment);
        var after = WelchContrast.OfMeans(Shift(Control, 7), Shift(Treatment, 7));
        Assert.Equal(before.Effect, after.Effect, 9);
        Assert.Equal(before.StandardError, after.StandardError, 9);
        Assert.Equal(before.PValue, after.PValue, 9);
    }

    [Fact]
    public void Shifting_the_treatment_by_a_constant_moves_the_absolute_effect_by_that_constant()
    {
        var before = WelchContrast.OfMeans(Control, Treatment);
        var after = WelchContrast.OfMeans(Control, Shift(Treatment, 0.25));
        Assert.Equal(before.Effect + 0.25, after.Effect, 9);
        Assert.Equal(before.StandardError, after.StandardError, 9);
    }

    [Fact]
    public void A_ratio_metric_with_a_denominator_of_one_per_customer_is_the_mean_contrast()
    {
        static PairedMoments OverOne(SampleMoments y) => new(y.N, y.Sum, y.SumSquares, y.N, y.N, y.Sum);
        var mean = WelchContrast.OfMeans(Control, Treatment, new ContrastOptions(Scale: EffectScale.Relative));
        var ratio = WelchContrast.OfRatios(OverOne(Control), OverOne(Treatment), new ContrastOptions(Scale: EffectScale.Relative));
        Assert.Equal(mean.Effect, ratio.Effect, 12);
        Assert.Equal(mean.StandardError, ratio.StandardError, 9);
    }

    [Fact]
    public void Cuped_with_a_constant_covariate_is_the_welch_contrast()
    {
        var control = new PairedMoments(Control.N, Control.Sum, Control.SumSquares, 0, 0, 0);
        var treatment = new PairedMoments(Treatment.N, Treatment.Sum, Treatment.SumSquares, 0, 0, 0);
        foreach (var scale in new[] { EffectScale.Absolute, EffectScale.Relative })
        {
            var welch = WelchContrast.OfMeans(Control, Treatment, new ContrastOptions(Scale: scale));
            var cuped = CupedAdjustment.Estimate(control, treatment, new ContrastOptions(Scale: scale));
            Assert.Equal(welch.Effect, cuped.Effect, 12);
            Assert.Equal(welch.StandardError, cuped.StandardError, 12);
        }
    }

    [Fact]
    public void With_full_exposure_in_treatment_and_none_in_control_the_complier_effect_is_the_intention_to_treat_effect()
    {
        var control = new PairedMoments(Control.N, Control.Sum, Control.SumSquares, 0, 0, 0);
        var treatment = new PairedMoments(Treatment.N, Treatment.Sum, Treatment.SumSquares, Treatment.N, Treatment.N, Treatment.Sum);
        var itt = WelchContrast.OfMeans(Control, Treatment);
        var cace = ComplierEffect.Estimate(control, treatment);
        Assert.Equal(itt.Effect, cace.Effect, 12);
        Assert.Equal(itt.StandardError, cace.StandardError, 12);
    }

    [Trait("Category", "Simulation")]
    [Fact]
    public void Complier_intervals_cover_the_effect_on_the_exposed_when_exposed_customers_differ_from_the_rest()
    {
        const int replications = 10_000;
        const long n = 10_000;
        const double exposure = 0.6, effect = 2.0, complierBase = 30, neverTakerBase = 15, sd = 20;
        var covered = new int[replications];
        var estimates = new double[replications];
        Parallel.For(0, replications, r =>
        {
            var rng = Generator(506, r);
            // Compliers (exposed when assigned) and never-takers differ in baseline, so exposed-vs-unexposed is biased.
            PairedMoments Group(long count, double mean, double exposed)
            {
                var y = Gaussian(rng, count, mean, sd);
                return new(count, y.Sum, y.SumSquares, exposed * count, exposed * count, exposed * y.Sum);
            }
            var c = SegmentCounts(rng, n, [exposure, 1 - exposure]);
            var t = SegmentCounts(rng, n, [exposure, 1 - exposure]);
            var control = Group(c[0], complierBase, 0) + Group(c[1], neverTakerBase, 0);
            var treatment = Group(t[0], complierBase + effect, 1) + Group(t[1], neverTakerBase, 0);
            var cace = ComplierEffect.Estimate(control, treatment);
            estimates[r] = cace.Effect;
            covered[r] = cace.Lower <= effect && effect <= cace.Upper ? 1 : 0;
        });
        double meanEstimate = estimates.Average();
        double coverage = covered.Average();
        output.WriteLine($"CACE: mean estimate {meanEstimate:F4} (truth {effect}), 95% coverage {coverage:F4}");
        Assert.InRange(meanEstimate, effect - 0.05, effect + 0.05);
        Assert.InRange(coverage, 0.94, 0.96);
    }

    [Fact]
    public void Holm_is_never_below_benjamini_hochberg_and_both_keep_the_order_of_the_raw_p_values()
    {
        double[] p = [0.001, 0.2, 0.03, 0.04, 0.9, 0.012];
        var holm = MultipleTesting.Holm(p);
        var bh = MultipleTesting.BenjaminiHochberg(p);
        for (int i = 0; i < p.Length; i++)
        {
            Assert.True(holm[i] >= bh[i] && bh[i] >= p[i], $"p {p[i]}: Holm {holm[i]}, BH {bh[i]}");
            for (int j = 0; j < p.Length; j++)
            {
                if (p[i] < p[j])
                {
                    Assert.True(holm[i] <= holm[j] && bh[i] <= bh[j]);
                }
            }
        }
    }

    [Fact]
    public void An_alpha_outside_zero_and_one_is_refused_with_a_message_naming_it()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => WelchContrast.OfMeans(Control, Treatment, new ContrastOptions(Alpha: 5)));
        Assert.Contains("alpha", error.Message, StringComparison.Ordinal);
    }
}
