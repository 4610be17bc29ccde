using LiftPipeline.Statistics.Experiments.Tails;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Experiments;

/// <summary>Tail-index recovery on simulated data bucketed like a 1% relative-error sketch, with seeded replications.</summary>
public sealed class SplicedBinnedParetoTests(ITestOutputHelper log)
{
    private const int Draws = 200_000;
    private static readonly int[] Seeds = [11, 12, 13, 14, 15];

    [Trait("Category", "Simulation")]
    [Theory]
    [InlineData(0.2, TailVerdict.NormalIntervalOk)]
    [InlineData(0.4, TailVerdict.SlowConvergence)]
    [InlineData(0.7, TailVerdict.TooHeavyForNormalInterval)]
    public void Binned_fit_recovers_the_tail_index_of_generalized_pareto_data(double shape, TailVerdict verdict)
    {
        var fits = Seeds.Select(seed => SplicedBinnedPareto.Fit(RelativeErrorHistogram.From(RelativeErrorHistogram.Gpd(shape, 1, Draws, seed)))).ToArray();
        var estimates = fits.Select(f => f.Upper.Shape).ToArray();
        log.WriteLine($"ξ={shape}: estimates {string.Join(", ", estimates.Select(e => e.ToString("F4")))}; SE {fits[0].Upper.ShapeStandardError:F4}");

        Assert.InRange(estimates.Average(), shape - 0.02, shape + 0.02);
        Assert.All(estimates, e => Assert.InRange(e, shape - 0.06, shape + 0.06));
        Assert.All(fits, f => Assert.Equal(verdict, f.Verdict));
        // The observed-information SE matches the spread over replications within a factor of two.
        double spread = Math.Sqrt(estimates.Select(e => (e - estimates.Average()) * (e - estimates.Average())).Sum() / (estimates.Length - 1));
        Assert.InRange(fits[0].Upper.ShapeStandardError, spread / 2.5, spread * 2.5);
    }

    [Trait("Category", "Simulation")]
    [Fact]
    public void Gaussian_data_has_a_bounded_tail_and_no_flag()
    {
        foreach (int seed in Seeds)
        {
            var fit = SplicedBinnedPareto.Fit(RelativeErrorHistogram.From(RelativeErrorHistogram.Normal(100, 10, Draws, seed)));
            log.WriteLine($"normal seed {seed}: ξ {fit.Upper.Shape:F4} ± {fit.Upper.ShapeStandardError:F4}");

            Assert.InRange(fit.Upper.Shape, -0.5, 0.03);
            Assert.Equal(TailVerdict.NormalIntervalOk, fit.Verdict);
        }
    }

    [Trait("Category", "Simulation")]
    [Fact]
    public void Lognormal_data_has_a_light_positive_tail_index()
    {
        foreach (int seed in Seeds)
        {
            var values = RelativeErrorHistogram.Normal(0, 1, Draws, seed).Select(Math.Exp);
            var fit = SplicedBinnedPareto.Fit(RelativeErrorHistogram.From(values));
            log.WriteLine($"lognormal seed {seed}: ξ {fit.Upper.Shape:F4} ± {fit.Upper.ShapeStandardError:F4}");

            Assert.InRange(fit.Upper.Shape, 0.0, 0.3);
        }
    }

    [Fact]
    public void Lognormal_with_a_small_log_sd_is_not_flagged()
    {
        var values = RelativeErrorHistogram.Normal(0, 0.5, Draws, 21).Select(Math.Exp);
        var fit = SplicedBinnedPareto.Fit(RelativeErrorHistogram.From(values));
        log.WriteLine($"lognormal(0, 0.5): ξ {fit.Upper.Shape:F4}");

        Assert.Equal(TailVerdict.NormalIntervalOk, fit.Verdict);
    }

    [Fact]
    public void Quantiles_and_mean_of_the_spliced_fit_match_the_true_distribution()
    {
        var truth = new GeneralizedPareto(0.2, 1);
        var fit = SplicedBinnedPareto.Fit(RelativeErrorHistogram.From(RelativeErrorHistogram.Gpd(0.2, 1, Draws, 31)));

        Assert.Equal(truth.Quantile(0.5), fit.Quantile(0.5), 0.01 * truth.Quantile(0.5));
        Assert.Equal(truth.Quantile(0.999), fit.Quantile(0.999), 0.05 * truth.Quantile(0.999));
        Assert.Equal(truth.Mean, fit.Mean, 0.02 * truth.Mean);
        Assert.Equal(0.999, fit.Cdf(fit.Quantile(0.999)), 9);
        Assert.Equal(0.5, fit.Cdf(fit.Quantile(0.5)), 9);
    }

    [Fact]
    public void Spike_is_a_value_beyond_the_one_in_a_million_quantile()
    {
        var fit = SplicedBinnedPareto.Fit(RelativeErrorHistogram.From(RelativeErrorHistogram.Gpd(0.2, 1, Draws, 41)));
        double threshold = fit.SpikeThreshold();

        Assert.Equal(new GeneralizedPareto(0.2, 1).Quantile(1 - 1e-6), threshold, 0.25 * threshold);
        Assert.True(fit.IsSpike(threshold * 1.01));
        Assert.False(fit.IsSpike(fit.Quantile(0.9999)));
    }

    [Fact]
    public void Exact_exceedances_fit_the_upper_tail_by_the_continuous_likelihood()
    {
        var draws = RelativeErrorHistogram.Gpd(0.4, 1, Draws, 51);
        var histogram = RelativeErrorHistogram.From(draws);
        var binned = SplicedBinnedPareto.Fit(histogram);
        var top = draws.Where(x => x >= binned.Upper.Threshold).ToArray();
        var exact = SplicedBinnedPareto.Fit(histogram, new SplicedBinnedParetoOptions { UpperExceedances = top });

        Assert.False(exact.Upper.Fit.Binned);
        Assert.Equal(top.Length, exact.Upper.Fit.Exceedances);
        Assert.Equal(binned.Upper.Shape, exact.Upper.Shape, 0.01);
        Assert.Throws<ArgumentException>(() => SplicedBinnedPareto.Fit(histogram, new SplicedBinnedParetoOptions { UpperExceedances = top[..100] }));
    }

    [Fact]
    public void Lower_tail_of_gaussian_data_is_fitted_mirrored_and_bounded()
    {
        var fit = SplicedBinnedPareto.Fit(
            RelativeErrorHistogram.From(RelativeErrorHistogram.Normal(100, 10, Draws, 61)), new SplicedBinnedParetoOptions { LowerQuantile = 0.05 });

        Assert.NotNull(fit.Lower);
        Assert.InRange(fit.Lower.Shape, -0.5, 0.03);
        Assert.Equal(0.05, fit.Lower.Probability, 0.005);
        Assert.Equal(100 - 1.6449 * 10, fit.Quantile(0.05), 0.3);
        Assert.Equal(100, fit.Mean, 0.1);
    }

    [Fact]
    public void Overlapping_buckets_are_rejected_naming_the_bucket()
    {
        HistogramBucket[] histogram = [new(1, 2, 5), new(1.5, 3, 5)];

        var problem = Assert.Throws<ArgumentException>(() => SplicedBinnedPareto.Fit(histogram));
        Assert.Contains("bucket 1", problem.Message);
    }
}
