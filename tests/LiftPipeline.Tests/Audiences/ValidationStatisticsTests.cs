using LiftPipeline.Statistics.Audiences.Validation;
using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Tests.Audiences;

/// <summary>Stability, overlap, standardised mean differences and composition on small inputs whose answers are worked by hand.</summary>
public sealed class ValidationStatisticsTests
{
    private static ulong[] Keys(int from, int to)
    {
        var keys = Enumerable.Range(from, to - from).Select(i => CustomerKey.Of($"c{i}")).ToArray();
        return keys[..CustomerKey.SortDistinct(keys)];
    }

    [Fact]
    public void Stability_counts_kept_joined_and_left_customers_exactly()
    {
        // Now c1..c10, before c6..c15: 5 kept, 5 joined, 5 left, union 15.
        var s = SegmentStability.Of(Keys(1, 11), Keys(6, 16));

        Assert.Equal((10L, 10L, 5L, 15L), (s.Current, s.Previous, s.Retained, s.Union));
        Assert.Equal(1.0 / 3, s.Jaccard, 15);
        Assert.Equal((5L, 5L), (s.ChurnIn, s.ChurnOut));
        Assert.Equal((0.5, 0.5), (s.ChurnInShare, s.ChurnOutShare));
    }

    [Fact]
    public void Stability_of_a_segment_that_grew_counts_only_joiners()
    {
        // Now c1..c20, before c1..c8: all 8 kept, 12 joined (60 %), none left.
        var s = SegmentStability.Of(Keys(1, 21), Keys(1, 9));

        Assert.Equal(8.0 / 20, s.Jaccard, 15);
        Assert.Equal((12L, 0L), (s.ChurnIn, s.ChurnOut));
        Assert.Equal((0.6, 0.0), (s.ChurnInShare, s.ChurnOutShare));
    }

    [Fact]
    public void Overlap_counts_shared_customers_and_each_segments_share()
    {
        // A = c1..c10, B = c8..c20: 3 shared, 30 % of A, 3/13 of B, Jaccard 3/20.
        var o = SegmentOverlap.Of("a", Keys(1, 11), "b", Keys(8, 21));

        Assert.Equal(3, o.Shared);
        Assert.Equal(0.3, o.ShareOfFirst, 15);
        Assert.Equal(3.0 / 13, o.ShareOfSecond, 15);
        Assert.Equal(3.0 / 20, o.Jaccard, 15);
        var pairs = SegmentOverlap.Pairs(["a", "b", "c"], [Keys(1, 11), Keys(8, 21), Keys(100, 105)]);
        Assert.Equal([("a", "b", 3L), ("a", "c", 0L), ("b", "c", 0L)], pairs.Select(p => (p.First, p.Second, p.Shared)));
    }

    [Fact]
    public void Duplicate_memberships_count_once()
    {
        ulong[] keys = [5, 3, 5, 1, 3, 3];

        int n = CustomerKey.SortDistinct(keys);

        Assert.Equal([1UL, 3UL, 5UL], keys[..n]);
    }

    [Fact]
    public void Standardised_mean_difference_matches_the_hand_computation()
    {
        // Arm 1,2,3,4: mean 2.5, s² 5/3. Holdout 2,4,6,8: mean 5, s² 20/3. Pooled s = √(25/6); d = −2.5/√(25/6) = −√6/2.
        var d = StandardisedMeanDifference.Of("revenue", "vbo", SampleMoments.Of([1, 2, 3, 4]), SampleMoments.Of([2, 4, 6, 8]));

        Assert.Equal(-Math.Sqrt(6) / 2, d.D, 12);
        Assert.Equal((2.5, 5.0), (d.ArmMean, d.HoldoutMean));
        Assert.Equal(Math.Sqrt(0.25 + 0.25), d.StandardError, 15);
        Assert.True(d.IsImbalanced(0.1));
        Assert.False(d.IsDecisive(0.1));
    }

    [Fact]
    public void The_accumulator_gives_the_same_moments_as_the_values_and_skips_missing_ones()
    {
        var acc = new CovariateAccumulator(2, 1);
        foreach (double v in new[] { 1000.5, 1001.5, double.NaN, 1003.0 })
        {
            acc.Add(0, 0, v);
        }
        acc.Add(1, 0, 7);

        var arm = acc.Moments(0, 0);
        var expected = SampleMoments.Of([1000.5, 1001.5, 1003.0]);
        Assert.Equal(3, arm.N);
        Assert.Equal(expected.Mean, arm.Mean, 12);
        Assert.Equal(expected.Variance, arm.Variance, 9);
        Assert.Equal(7, acc.Moments(1, 0).Mean);
    }

    [Fact]
    public void A_correct_split_of_identical_customers_has_no_difference_and_a_shifted_holdout_has_d_of_the_shift()
    {
        var acc = new CovariateAccumulator(2, 1);
        for (int i = 0; i < 1000; i++)
        {
            acc.Add(0, 0, i % 10);
            acc.Add(1, 0, i % 10);
        }

        var balance = HoldoutBalance.Of(acc, ["holdout", "vbo"], 0, ["orders"], [1000L, 1000L], [0.5, 0.5]);

        Assert.Equal(0, balance.Differences[0].D);
        Assert.Equal(1.0, balance.SampleRatio!.PValue, 12);
        var shifted = new CovariateAccumulator(2, 1);
        for (int i = 0; i < 1000; i++)
        {
            shifted.Add(0, 0, i % 10 + 1);
            shifted.Add(1, 0, i % 10);
        }
        // Same spread (s² = 8.25·1000/999) in both arms, means 1 apart: d = −1/s.
        var d = HoldoutBalance.Of(shifted, ["holdout", "vbo"], 0, ["orders"], [1000L, 1000L], null);
        Assert.Equal(-1 / Math.Sqrt(8.25 * 1000 / 999), d.Differences[0].D, 12);
        Assert.Null(d.SampleRatio);
    }

    [Fact]
    public void Composition_flags_a_large_group_the_segment_leaves_out_and_never_a_tiny_one()
    {
        // Customers: DE 60 %, FR 30 %, NL 9.5 %, LU 0.5 %. Segment: DE 900, FR 20 (2.2 % < 10 % of 30 %), NL 80, LU 0.
        var rows = GroupComposition.Of("country", ["DE", "FR", "NL", "LU"], [6000, 3000, 950, 50], [900, 20, 80, 0]);

        Assert.Equal([false, true, false, false], rows.Select(r => r.UnderRepresented));
        Assert.Equal(0.3, rows[1].PopulationShare, 15);
        Assert.Equal(20.0 / 1000, rows[1].SegmentShare, 15);
        // NL: 8 % of members against 9.5 % of customers is kept; at 0.9 % (under 10 % of 9.5 %) it would be flagged.
        var thin = GroupComposition.Of("country", ["DE", "NL"], [9050, 950], [991, 9]);
        Assert.True(thin[1].UnderRepresented);
    }
}
