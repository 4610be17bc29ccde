using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Experiments.Contrasts;
using Xunit.Abstractions;
using static LiftPipeline.Tests.Experiments.SufficientStatisticDraws;

namespace LiftPipeline.Tests.Experiments;

/// <summary>
/// A/A experiments read every day for 30 days: the always-valid interval keeps the chance of ever declaring an effect
/// at most α; the fixed-horizon interval, peeked at daily, does not.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class SequentialSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void Always_valid_intervals_keep_false_positives_under_five_percent_with_daily_looks_where_peeking_fixed_intervals_do_not()
    {
        const int replications = 4_000, days = 30;
        const long perArmPerDay = 1_000;
        var sequentialFlag = new int[replications];
        var peekingFlag = new int[replications];
        var finalFlag = new int[replications];
        Parallel.For(0, replications, r =>
        {
            var rng = Generator(504, r);
            SampleMoments control = default, treatment = default;
            for (int day = 0; day < days; day++)
            {
                // Exact moments of one more day of customers in each arm; both arms share the same distribution (A/A).
                control += Gaussian(rng, perArmPerDay, 50, 30);
                treatment += Gaussian(rng, perArmPerDay, 50, 30);
                if (ConfidenceSequence.OfMeans(control, treatment, tuningN: 10_000).IsSignificant)
                {
                    sequentialFlag[r] = 1;
                }
                var fixedHorizon = WelchContrast.OfMeans(control, treatment);
                if (fixedHorizon.IsSignificant)
                {
                    peekingFlag[r] = 1;
                    finalFlag[r] = day == days - 1 ? 1 : 0;
                }
            }
        });
        double sequential = sequentialFlag.Average(), peeking = peekingFlag.Average(), final = finalFlag.Average();
        output.WriteLine($"false-positive rate over {days} daily looks: always-valid {sequential:F4}, fixed-horizon peeking {peeking:F4}; fixed-horizon read once at the end {final:F4}");
        Assert.True(sequential <= 0.05, $"always-valid false-positive rate {sequential} exceeds 0.05");
        Assert.True(peeking > 0.10, $"peeking fixed-horizon false-positive rate {peeking} should clearly exceed 0.05");
        Assert.InRange(final, 0.04, 0.06);
    }

    [Fact]
    public void Always_valid_p_value_is_below_alpha_exactly_when_the_interval_excludes_zero()
    {
        var control = new SampleMoments(3000, 1396.87, 52377.9767);
        foreach (double shift in new[] { 0.0, 0.2, 0.5, 0.8, 1.2 })
        {
            var treatment = new SampleMoments(3461, 3461 * (control.Mean + shift), 134698.29 + 3461 * shift * shift);
            var estimate = ConfidenceSequence.OfMeans(control, treatment, tuningN: 1000);
            bool excludesZero = estimate.Lower > 0 || estimate.Upper < 0;
            Assert.Equal(excludesZero, estimate.PValue < 0.05);
        }
    }
}
