using LiftPipeline.Statistics.Conflation;
using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Tests.Conflation;

/// <summary>Hand-computed cases for holdout overlap, the χ² dependence test, the interaction and geo spill-over.</summary>
public sealed class ConflationTests
{
    [Fact]
    public void Overlap_counts_shared_customers_by_arm_pair()
    {
        string[] firstIds = ["c5", "c1", "c2", "c3", "c4"];
        int[] firstArms = [1, 0, 1, 0, 1];
        string[] secondIds = ["c3", "c9", "c4", "c5"];
        int[] secondArms = [2, 0, 0, 0];

        var overlap = HoldoutOverlap.Of(firstIds, firstArms, 2, secondIds, secondArms, 3);

        Assert.Equal(3, overlap.Shared);
        Assert.Equal(0.6, overlap.ShareOfFirst, 12);
        Assert.Equal(0.75, overlap.ShareOfSecond, 12);
        Assert.Equal(new long[,] { { 0, 0, 1 }, { 2, 0, 0 } }, overlap.Table);
    }

    [Fact]
    public void Overlap_rejects_a_repeated_id_and_an_arm_out_of_range()
    {
        Assert.Throws<ArgumentException>(() => HoldoutOverlap.Of(["a", "a"], [0, 1], 2, ["a"], [0], 2));
        Assert.Throws<ArgumentException>(() => HoldoutOverlap.Of(["a"], [2], 2, ["a"], [0], 2));
    }

    [Fact]
    public void Chi_square_on_a_two_by_two_table_matches_the_hand_value_and_the_normal_tail()
    {
        // E = 12, 18, 28, 42, every |O − E| = 2: X² = 4/12 + 4/18 + 4/28 + 4/42 ≈ 0.794.
        var test = AssignmentDependence.Test(new long[,] { { 10, 20 }, { 30, 40 } });
        double expected = 4.0 / 12 + 4.0 / 18 + 4.0 / 28 + 4.0 / 42;

        Assert.Equal(expected, test.ChiSquare, 12);
        Assert.Equal(1, test.DegreesOfFreedom);
        // With 1 df, P(χ² ≥ x) = erfc(√(x/2)): independent of the χ² CDF.
        Assert.Equal(SpecialFunctions.Erfc(Math.Sqrt(expected / 2)), test.PValue, 10);
        Assert.Equal(1 - ChiSquared.CDF(1, expected), test.PValue, 12);
        Assert.False(test.Flagged);
    }

    [Fact]
    public void Chi_square_with_two_degrees_of_freedom_has_an_exponential_tail_and_drops_empty_rows()
    {
        // The middle row is empty: the test runs on a 2×3 table, df 2, where P(χ² ≥ x) = exp(−x/2).
        var test = AssignmentDependence.Test(new long[,] { { 50, 30, 20 }, { 0, 0, 0 }, { 20, 30, 50 } });

        // Rows 100, 100; columns 70, 60, 70; E = 35, 30, 35 in both rows.
        double expected = 2 * (15.0 * 15 / 35 + 0 + 15.0 * 15 / 35);
        Assert.Equal(expected, test.ChiSquare, 12);
        Assert.Equal(2, test.DegreesOfFreedom);
        Assert.Equal(Math.Exp(-expected / 2), test.PValue, 12);
        Assert.True(test.Flagged);
    }

    [Fact]
    public void A_table_with_one_non_empty_row_has_nothing_to_test()
    {
        var test = AssignmentDependence.Test(new long[,] { { 5, 7 }, { 0, 0 } });

        Assert.Equal(0, test.DegreesOfFreedom);
        Assert.Equal(1, test.PValue);
        Assert.False(test.Flagged);
    }

    [Fact]
    public void Interaction_is_the_difference_of_the_first_tests_effects_with_the_pooled_standard_error()
    {
        var interaction = Interaction.Estimate(
            new CellSummary(100, 12, 4), new CellSummary(100, 10, 4), new CellSummary(400, 9, 16), new CellSummary(400, 8, 16));

        // Δ = (12 − 10) − (9 − 8) = 1; SE = √(0.04 + 0.04 + 0.04 + 0.04) = 0.4; z = 2.5.
        Assert.Equal(1, interaction.Delta, 12);
        Assert.Equal(0.4, interaction.StandardError, 12);
        Assert.Equal(2.5, interaction.Z, 12);
        Assert.Equal(SpecialFunctions.Erfc(2.5 / Math.Sqrt(2)), interaction.PValue, 12);
        var (lower, upper) = interaction.ConfidenceInterval();
        Assert.Equal(1 - 1.959963984540054 * 0.4, lower, 9);
        Assert.Equal(1 + 1.959963984540054 * 0.4, upper, 9);
    }

    [Fact]
    public void Cell_summary_has_the_mean_and_the_sample_variance()
    {
        var cell = CellSummary.Of([2.0, 4, 4, 4, 5, 5, 7, 9]);

        Assert.Equal(8, cell.N);
        Assert.Equal(5, cell.Mean, 12);
        Assert.Equal(32.0 / 7, cell.Variance, 12);
    }

    [Fact]
    public void A_geo_test_whose_controls_another_treats_on_common_days_is_conflated()
    {
        var first = new GeoTestWindow("spring", ["NYC", "BOS"], ["CHI", "SEA", "DEN"], new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31));
        var second = new GeoTestWindow("easter", ["SEA", "ATL"], ["NYC", "MIA"], new DateOnly(2026, 3, 25), new DateOnly(2026, 4, 20));

        var overlap = GeoOverlap.Of(first, second);

        Assert.Equal(7, overlap.DaysInCommon);
        Assert.Equal(["NYC", "SEA"], overlap.SharedMarkets);
        Assert.Equal(["SEA"], overlap.FirstControlsTreatedBySecond);
        Assert.Equal(["NYC"], overlap.SecondControlsTreatedByFirst);
        Assert.True(overlap.Conflated);
    }

    [Fact]
    public void Geo_tests_that_share_only_controls_or_no_days_are_not_conflated()
    {
        var spring = new GeoTestWindow("spring", ["NYC"], ["CHI", "SEA"], new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31));
        var sharedControls = new GeoTestWindow("brand", ["ATL"], ["CHI"], new DateOnly(2026, 3, 10), new DateOnly(2026, 3, 20));
        var later = new GeoTestWindow("summer", ["SEA"], ["NYC"], new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 30));

        var controls = GeoOverlap.Of(spring, sharedControls);
        var disjointDays = GeoOverlap.Of(spring, later);

        Assert.Equal(11, controls.DaysInCommon);
        Assert.Equal(["CHI"], controls.SharedMarkets);
        Assert.False(controls.Conflated);
        Assert.Equal(0, disjointDays.DaysInCommon);
        Assert.Equal(["NYC", "SEA"], disjointDays.SharedMarkets);
        Assert.Empty(disjointDays.FirstControlsTreatedBySecond);
        Assert.False(disjointDays.Conflated);
    }
}
