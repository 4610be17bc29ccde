using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Tests.Design;

/// <summary>The market-selection table from power curves: MDE rule, columns, filters and both rankings, on hand-made curves.</summary>
public sealed class GeoMarketSelectionTableTests
{
    private static readonly int[][] Candidates = [[0, 1], [0, 2], [3, 4]];

    [Theory]
    [InlineData("0:1 0.05:0.5 0.1:0.9 0.15:1", 0.1)]
    [InlineData("0.05:0.8 0.1:0.85", 0.1)]          // power must exceed the target, not equal it
    [InlineData("-0.05:0.9 0.1:0.9", -0.05)]        // a smaller negative effect wins
    [InlineData("-0.1:0.9 0.05:0.9", 0.05)]
    [InlineData("-0.05:0.9 0.05:0.9", 0.05)]        // equal sizes: the increase
    [InlineData("-0.2:0.9 -0.1:0.95 0:1", -0.1)]    // budget decrease: the largest negative
    public void Mde_is_the_smallest_effect_whose_power_exceeds_the_target(string curve, double expected)
    {
        Assert.Equal(expected, Statistics.Design.MarketSelectionTable.Mde(Points(10, curve), 0.8)!.EffectSize);
    }

    [Theory]
    [InlineData("0:0.9 0.05:0.1 0.1:0.8")]
    [InlineData("0:1")]
    public void A_curve_with_power_only_at_zero_has_no_mde(string curve)
    {
        Assert.Null(Statistics.Design.MarketSelectionTable.Mde(Points(10, curve), 0.8));
    }

    [Fact]
    public void Rows_carry_geolifts_columns_at_the_mde()
    {
        var rows = Statistics.Design.MarketSelectionTable.Rank(MarketCandidatesTests.Tiny, Candidates, Curves(), new GeoDesignOptions());

        var ab = Assert.Single(rows, r => r.Locations.SequenceEqual(["a", "b"]));
        Assert.Equal(0.1, ab.EffectSize);
        Assert.Equal(0.9, ab.Power);
        Assert.Equal(500, ab.Investment);
        Assert.Equal(0.2, ab.AvgScaledL2Imbalance);
        Assert.Equal(40, ab.AvgAtt);
        Assert.Equal(0.102, ab.AverageMde);
        Assert.Equal(0.002, ab.AbsLiftInZero);
        Assert.Equal(42.5 / 94.4, ab.ProportionTotalY, 12);
        Assert.Equal(1 - 42.5 / 94.4, ab.Holdout, 12);
        Assert.Equal(-0.3195221698714725, ab.Correlation, 12);   // Pearson of (a + b) with (c + d + e), by hand
        Assert.Equal(0.1, ab.FalsePositiveRate);
        // d, e at 20 periods has power only at effect 0: no row.
        Assert.DoesNotContain(rows, r => r.Locations.SequenceEqual(["d", "e"]) && r.Duration == 20);
    }

    [Fact]
    public void A_budget_decrease_keeps_its_negative_investment_and_holds_out_the_test_markets()
    {
        var rows = Statistics.Design.MarketSelectionTable.Rank(MarketCandidatesTests.Tiny, Candidates, Curves(), new GeoDesignOptions());

        var de = Assert.Single(rows, r => r.Locations.SequenceEqual(["d", "e"]) && r.Duration == 15);
        Assert.Equal(-0.05, de.EffectSize);
        Assert.Equal(-250, de.Investment);
        Assert.Equal(30.9 / 94.4, de.Holdout, 12);
        Assert.Null(de.FalsePositiveRate);
    }

    [Fact]
    public void Default_ranking_is_smallest_mde_then_investment_then_imbalance()
    {
        var rows = Statistics.Design.MarketSelectionTable.Rank(MarketCandidatesTests.Tiny, Candidates, Curves(), new GeoDesignOptions());

        // |MDE| 0.05: d,e 15 (inv −250), d,e 10 (300), a,c (900); then a,b (0.1).
        Assert.Equal(["d, e 15", "d, e 10", "a, c 10", "a, b 10"], rows.Select(Key).ToArray());
        Assert.Equal([1, 2, 3, 4], rows.Select(r => r.Rank).ToArray());
    }

    [Fact]
    public void Default_ranking_puts_designs_whose_test_is_not_calibrated_or_whose_lift_is_biased_after_trusted_ones()
    {
        GeoPowerCurve[] curves =
        [
            // MDE 0.05 but the test rejects in 30% of effect-0 windows (> 2 × alpha 0.1).
            new(["a", "b"], [Point(10, 0.05, 1, 100, 0.05)], [new GeoCalibration(10, 0.3, 10)], 1),
            // MDE 0.05 but detects 0.08: |0.08 − 0.05| = 0.03 > half the MDE.
            new(["a", "c"], [Point(10, 0.05, 1, 50, 0.08)], [new GeoCalibration(10, 0, 10)], 1),
            // MDE 0.1, calibrated (2 × alpha exactly) and detects 0.12 (0.02 ≤ 0.05): trusted.
            new(["d", "e"], [Point(10, 0.1, 1, 900, 0.12)], [new GeoCalibration(10, 0.2, 10)], 1),
        ];

        var rows = Statistics.Design.MarketSelectionTable.Rank(MarketCandidatesTests.Tiny, Candidates, curves, new GeoDesignOptions());
        var geolift = Statistics.Design.MarketSelectionTable.Rank(MarketCandidatesTests.Tiny, Candidates, curves, new GeoDesignOptions { Ranking = DesignRanking.GeoLift });

        Assert.Equal(["d, e 10", "a, c 10", "a, b 10"], rows.Select(Key).ToArray());
        Assert.Equal([1, 2, 3], rows.Select(r => r.Rank).ToArray());
        Assert.Equal([true, false, false], rows.Select(r => DesignTrust.IsTrusted(r, 0.1)).ToArray());
        // GeoLift's rank ignores calibration: the uncalibrated a,b (smallest lift error) comes first.
        Assert.Equal("a, b 10", Key(geolift[0]));
    }

    [Fact]
    public void Geolift_ranking_is_the_mean_of_dense_ranks_of_mde_power_and_lift_error()
    {
        var rows = Statistics.Design.MarketSelectionTable.Rank(MarketCandidatesTests.Tiny, Candidates, Curves(), new GeoDesignOptions { Ranking = DesignRanking.GeoLift });

        // dense ranks (|MDE|, power, |lift − MDE|): a,b 10 (2, 2, 3); a,c 10 (1, 1, 4); d,e 10 (1, 3, 1); d,e 15 (1, 2, 2)
        // means 2.33, 2, 1.67, 1.67 → ranks 4, 3, 1, 1.
        Assert.Equal(["d, e 10", "d, e 15", "a, c 10", "a, b 10"], rows.Select(Key).ToArray());
        Assert.Equal([1, 1, 3, 4], rows.Select(r => r.Rank).ToArray());
    }

    [Fact]
    public void Budget_drops_candidates_at_or_over_it_and_geolift_ranks_are_renumbered()
    {
        var options = new GeoDesignOptions { Budget = 500, Ranking = DesignRanking.GeoLift };

        var rows = Statistics.Design.MarketSelectionTable.Rank(MarketCandidatesTests.Tiny, Candidates, Curves(), options);

        // a,c (900) and a,b (500, not below the budget) are dropped.
        Assert.Equal(["d, e 10", "d, e 15"], rows.Select(Key).ToArray());
        Assert.Equal([1, 1], rows.Select(r => r.Rank).ToArray());
        var byMde = Statistics.Design.MarketSelectionTable.Rank(MarketCandidatesTests.Tiny, Candidates, Curves(), options with { Ranking = DesignRanking.Mde, Budget = -600 });
        Assert.Equal(["d, e 15", "d, e 10", "a, b 10"], byMde.Select(Key).ToArray());
    }

    [Fact]
    public void Holdout_range_keeps_candidates_whose_holdout_lies_in_it()
    {
        var options = new GeoDesignOptions { HoldoutRange = (0.5, 0.6), Ranking = DesignRanking.GeoLift };

        var rows = Statistics.Design.MarketSelectionTable.Rank(MarketCandidatesTests.Tiny, Candidates, Curves(), options);

        // Holdouts: a,b 0.550, a,c 0.555, d,e 0.673 (increase) and 0.327 (decrease).
        Assert.Equal(["a, c 10", "a, b 10"], rows.Select(Key).ToArray());
        Assert.Equal([1, 2], rows.Select(r => r.Rank).ToArray());
    }

    private static string Key(MarketCandidate r) => $"{string.Join(", ", r.Locations)} {r.Duration}";

    private static GeoPowerCurve[] Curves() =>
    [
        new(["a", "b"], [Point(10, 0, 0, 0, 0.001), Point(10, 0.05, 0.5, 200, 0.05), Point(10, 0.1, 0.9, 500, 0.102, 0.2, 40)], [new GeoCalibration(10, 0.1, 10)], 3),
        new(["a", "c"], [Point(10, 0.05, 0.85, 900, 0.046, 0.3)], [new GeoCalibration(10, 0.2, 10)], 1),
        new(["d", "e"],
        [
            Point(10, 0.05, 1, 300, 0.05, 0.4), Point(15, -0.05, 0.9, -250, -0.049), Point(15, 0.05, 0.5, 250, 0.05),
            Point(20, 0, 1, 0, 0), Point(20, 0.05, 0.5, 300, 0.05),
        ], [], 5),
    ];

    private static GeoPowerPoint Point(int duration, double effect, double power, double investment, double lift, double imbalance = 0.1, double att = 1) =>
        new(duration, effect, power, att, lift, imbalance, investment, 1);

    private static GeoPowerPoint[] Points(int duration, string curve) =>
        curve.Split(' ').Select(p => p.Split(':')).Select(p => Point(duration, double.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), 0, 0)).ToArray();
}
