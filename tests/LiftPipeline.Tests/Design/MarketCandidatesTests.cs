using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Design;

public sealed class MarketCandidatesTests
{
    /// <summary>
    /// Five markets whose correlation order is checkable by hand: a and b rise together (r = 0.999), c rises with a bump
    /// (0.77 with a), d falls (−0.996 with a), e zig-zags (near 0 with all). Rows by decreasing correlation:
    /// a: a b c e d · b: b a c e d · c: c a b e d · d: d e c a b · e: e d b a c.
    /// </summary>
    internal static GeoDesignPanel Tiny { get; } = Panel(
        ("a", [1, 2, 3, 4, 5, 6]),
        ("b", [1.2, 2, 3.1, 4, 5.2, 6]),
        ("c", [1, 2, 3, 6, 5, 4]),
        ("d", [6, 5, 4, 3, 2, 1.5]),
        ("e", [2, 1, 2, 1, 2, 1.4]));

    [Fact]
    public void Each_row_is_the_market_then_the_others_by_decreasing_correlation()
    {
        var rows = MarketCandidates.SimilarityRows(Tiny, [0, 1, 2, 3, 4]);

        string[] expected = ["abced", "baced", "cabed", "decab", "edbac"];
        Assert.Equal(expected, rows.Select(r => string.Concat(r.Select(i => Tiny.Units[i]))).ToArray());
    }

    [Theory]
    [InlineData(1, "a|b|c|d|e")]
    [InlineData(2, "a,b|a,c|d,e")]
    [InlineData(3, "a,b,c|c,d,e|b,d,e")]
    [InlineData(4, "a,b,c,e|a,c,d,e|a,b,d,e")]
    [InlineData(5, "a,b,c,d,e")]
    public void Candidates_are_the_first_n_of_each_row_sorted_and_deduplicated(int size, string expected)
    {
        Assert.Equal(expected, Show(MarketCandidates.Generate(Tiny, [0, 1, 2, 3, 4], size, [])));
    }

    [Fact]
    public void Include_keeps_only_candidates_holding_every_included_market()
    {
        Assert.Equal("a,c", Show(MarketCandidates.Generate(Tiny, [0, 1, 2, 3, 4], 2, [2])));
        Assert.Equal("a,b,c|c,d,e", Show(MarketCandidates.Generate(Tiny, [0, 1, 2, 3, 4], 3, [2])));
        Assert.Equal("", Show(MarketCandidates.Generate(Tiny, [0, 1, 2, 3, 4], 2, [2, 3])));
    }

    [Fact]
    public void Excluded_markets_leave_the_correlation_rows_so_the_next_best_moves_up()
    {
        // Without d, e's row is e b a c: its pair becomes {b, e}.
        Assert.Equal("a,b|a,c|b,e", Show(MarketCandidates.Generate(Tiny, [0, 1, 2, 4], 2, [])));
    }

    [Fact]
    public void Equal_correlations_keep_panel_order()
    {
        // b and c are copies of each other: a's row lists b before c, whatever the rounding.
        var data = Panel(("a", [1, 2, 3, 5]), ("b", [2, 1, 4, 3]), ("c", [2, 1, 4, 3]), ("d", [4, 3, 2, 1]));

        var rows = MarketCandidates.SimilarityRows(data, [0, 1, 2, 3]);

        Assert.Equal([0, 1, 2, 3], rows[0]);
    }

    [Theory]
    [InlineData(40, 0, "1,4,8,13,16,20")]
    [InlineData(40, 5, "8,13,16,20")]
    [InlineData(210, 0, "1,21,42,64,84,105")]
    [InlineData(10, 0, "1,2,4,5")]
    [InlineData(5, 0, "1,2,3")]
    public void Default_sizes_are_geolifts_type_1_quantiles(int markets, int include, string expected)
    {
        Assert.Equal(expected, string.Join(',', MarketCandidates.DefaultSizes(markets, include)));
    }

    [Fact]
    public void Market_selection_on_the_pre_test_panel_uses_the_default_sizes_of_40_markets()
    {
        var options = DesignPanels.Walkthrough with { Sizes = null, TreatmentPeriods = [10], EffectSizes = [0.1], Permutations = 20, CalibrationWindows = 0, Budget = null };

        var selection = GeoMarketSelection.Select(DesignPanels.PreTest, options);

        // Sizes 1, 4, …, 20 (all at least the one included market); size 1 is chicago alone.
        Assert.Equal([1, 4, 8, 13, 16, 20], selection.Curves.Select(c => c.Locations.Count).Distinct().Order().ToArray());
        Assert.Equal(["chicago"], Assert.Single(selection.Curves, c => c.Locations.Count == 1).Locations);
        Assert.All(selection.Curves, c => Assert.Contains("chicago", c.Locations));
    }

    private static string Show(List<int[]> candidates) =>
        string.Join('|', candidates.Select(c => string.Join(',', c.Select(i => Tiny.Units[i]))));

    internal static GeoDesignPanel Panel(params (string Name, double[] Y)[] markets)
    {
        int t = markets[0].Y.Length;
        var periods = Enumerable.Range(1, t).Select(p => Period.FromInteger(p)).ToArray();
        return new GeoDesignPanel(markets.Select(m => m.Name).ToArray(), periods, markets.SelectMany(m => m.Y).ToArray());
    }
}
