using LiftPipeline.Statistics.Experiments.Contrasts;
using MathNet.Numerics;
using Xunit.Abstractions;
using static LiftPipeline.Tests.Experiments.SufficientStatisticDraws;

namespace LiftPipeline.Tests.Experiments;

public sealed class SampleRatioMismatchTests(ITestOutputHelper output)
{
    [Fact]
    public void A_50_5_to_49_5_split_of_a_million_customers_is_flagged()
    {
        var srm = SampleRatioMismatch.Test([505_000, 495_000], [0.5, 0.5]);
        Assert.Equal(100, srm.ChiSquare, 9);
        Assert.True(srm.PValue < 1e-20, $"p = {srm.PValue}");
        Assert.True(srm.IsMismatch());
    }

    [Trait("Category", "Simulation")]
    [Fact]
    public void Fair_splits_of_a_million_customers_are_flagged_about_one_time_in_a_thousand()
    {
        const int draws = 400_000;
        const int n = 1_000_000;
        // Exact Binomial(n, ½) by inversion of its CDF tabulated over ±7 sd (the mass outside is below 10⁻¹¹).
        int half = (int)(7 * Math.Sqrt(n / 4.0)), lowest = n / 2 - half;
        var cdf = new double[2 * half + 1];
        double total = 0;
        for (int i = 0; i < cdf.Length; i++)
        {
            int k = lowest + i;
            total += Math.Exp(SpecialFunctions.BinomialLn(n, k) - n * Math.Log(2));
            cdf[i] = total;
        }
        var flagged = new int[draws];
        Parallel.For(0, draws / 1000, block =>
        {
            var rng = Generator(505, block);
            for (int d = block * 1000; d < (block + 1) * 1000; d++)
            {
                int index = Array.BinarySearch(cdf, rng.NextDouble() * total);
                long treated = lowest + (index >= 0 ? index : ~index);
                flagged[d] = SampleRatioMismatch.Test([treated, n - treated], [0.5, 0.5]).IsMismatch() ? 1 : 0;
            }
        });
        double rate = flagged.Average();
        output.WriteLine($"false-flag rate at p < 0.001 over {draws} fair splits of {n}: {rate:F5}");
        // Binomial sd of the rate at 0.001 over 400,000 draws is 5·10⁻⁵; allow four.
        Assert.InRange(rate, 0.0008, 0.0012);
    }

    [Fact]
    public void Planned_weights_need_not_sum_to_one()
    {
        var a = SampleRatioMismatch.Test([1000, 2100, 900], [1, 2, 1]);
        var b = SampleRatioMismatch.Test([1000, 2100, 900], [0.25, 0.5, 0.25]);
        Assert.Equal(a.ChiSquare, b.ChiSquare, 12);
        Assert.Equal(2, a.DegreesOfFreedom);
    }
}
