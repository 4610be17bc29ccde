using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Tests.Design;

public sealed class MultiCellTests
{
    private static int Market(GeoDesignPanel data, string name) => data.Units.ToList().IndexOf(name);

    [Fact]
    public void Systematic_sampling_gives_cell_i_the_ranks_r_i_then_every_kth_rank()
    {
        int[] ranked = [17, 3, 11, 0, 8, 5, 14, 2, 9, 6, 1];

        var cells = SystematicSampling.Cells(ranked, [3, 1, 2]);

        // Cell 1 takes ranks 3, 6, 9; cell 2 ranks 1, 4, 7, 10; cell 3 ranks 2, 5, 8, 11 — each sorted by market index.
        Assert.Equal([5, 9, 11], cells[0]);
        Assert.Equal([0, 6, 14, 17], cells[1]);
        Assert.Equal([1, 2, 3, 8], cells[2]);
    }

    [Fact]
    public void Markets_are_ranked_by_total_outcome_largest_first()
    {
        var data = DesignPanels.PreTest;

        var ranked = SystematicSampling.RankByTotal(data);

        var totals = Enumerable.Range(0, data.N).Select(i => data.Row(i).ToArray().Sum()).ToArray();
        Assert.Equal(Enumerable.Range(0, data.N).OrderByDescending(i => totals[i]).ToArray(), ranked);
        Assert.Equal(["oakland", "philadelphia", "san francisco"], ranked.Take(3).Select(i => data.Units[i]));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Cells_partition_the_markets_with_one_market_from_each_band_of_k_ranks(int k)
    {
        var data = DesignPanels.PreTest;

        var cells = SystematicSampling.Cells(data, k, seed: 5);

        Assert.Equal(k, cells.Length);
        Assert.Equal(Enumerable.Range(0, data.N), cells.SelectMany(c => c).Order());
        var rankOf = new int[data.N];
        var ranked = SystematicSampling.RankByTotal(data);
        for (int r = 0; r < ranked.Length; r++)
        {
            rankOf[ranked[r]] = r;
        }
        foreach (var cell in cells)
        {
            Assert.InRange(cell.Length, data.N / k, (data.N + k - 1) / k);
            var bands = cell.Select(i => rankOf[i] / k).Order().ToArray();
            Assert.Equal(Enumerable.Range(0, cell.Length), bands);
        }
        Assert.Equal(SystematicSampling.RandomOrder(k, 5).Order(), Enumerable.Range(1, k));
    }

    [Theory]
    [InlineData(40, 2, new[] { 1, 2, 4, 7, 8, 10 })]
    [InlineData(40, 3, new[] { 1, 2, 3, 4, 6, 7 })]
    // R's seq(0, 0.5, 0.1)[4] is 0.30000000000000004, so 70 × it lands just above 21 and type 1 takes the 22nd value.
    [InlineData(210, 3, new[] { 1, 7, 14, 22, 28, 35 })]
    [InlineData(5, 2, new[] { 1 })]
    public void Default_sizes_are_the_type_1_quantiles_of_1_to_round_N_over_k(int markets, int k, int[] expected)
    {
        Assert.Equal(expected, SystematicSampling.DefaultSizes(markets, k));
    }

    [Fact]
    public void Selection_with_fewer_than_two_cells_or_sizes_as_large_as_a_cell_is_refused()
    {
        var data = DesignPanels.PreTest;

        var one = Assert.Throws<GeoDesignOptionException>(() => MultiCellMarketSelection.Select(data, new GeoDesignOptions { Cells = 1 }));
        var large = Assert.Throws<GeoDesignOptionException>(() => MultiCellMarketSelection.Select(data, new GeoDesignOptions { Cells = 2, Sizes = [2, 20] }));

        Assert.Equal("cells is 1; a multi-cell design needs at least 2 cells.", one.Message);
        Assert.Equal("sizes is 2,20; cells 2 of 40 markets hold 20 markets each, so give sizes below 20.", large.Message);
    }

    [Fact]
    public void Comparing_cells_that_share_a_market_or_name_an_unknown_one_is_refused()
    {
        var data = DesignPanels.PreTest;
        var options = new GeoDesignOptions();

        var shared = Assert.Throws<GeoDesignOptionException>(() => MultiCellMarketSelection.Compare(data, [["chicago", "portland"], ["portland"]], 15, options));
        var unknown = Assert.Throws<GeoDesignOptionException>(() => MultiCellMarketSelection.Compare(data, [["chicago"], ["atlantis"]], 15, options));

        Assert.Equal("Market 'portland' is in the locations of more than one cell.", shared.Message);
        Assert.Equal("locations names 'atlantis', which is not one of the panel's 40 markets.", unknown.Message);
    }

    [Fact]
    [Trait("Category", "Simulation")]
    public void The_winning_multiple_is_the_first_on_the_grid_at_which_the_cells_intervals_separate()
    {
        var data = DesignPanels.PreTest;
        int[][] cells = [[Market(data, "chicago"), Market(data, "portland")], [Market(data, "cincinnati"), Market(data, "houston")]];
        var options = new GeoDesignOptions { Permutations = 200, Alpha = 0.1 };
        var donors = Enumerable.Range(0, data.N).Where(i => !cells.Any(c => c.Contains(i))).ToArray();
        var winner = new CellWinner(data, cells, donors, 15, options);

        double? m = winner.WinningMultiple(0, 1, 0.1, CancellationToken.None);

        Assert.NotNull(m);
        var b = winner.Interval(1, 0.1, CancellationToken.None);
        var atM = winner.Interval(0, 0.1 * m.Value, CancellationToken.None);
        Assert.True(atM.Low > b.High, $"A [{atM.Low}, {atM.High}] should lie above B [{b.Low}, {b.High}] at m = {m}.");
        if (m > 1)
        {
            var before = winner.Interval(0, 0.1 * CellWinner.Multiple((int)Math.Round((m.Value - 1) / 0.05) - 1), CancellationToken.None);
            Assert.True(before.Low <= b.High);
        }
        // B's interval covers its true incremental conversions, 0.1 × its outcome over the last 15 days.
        double truth = 0;
        foreach (int i in cells[1])
        {
            for (int t = data.T - 15; t < data.T; t++)
            {
                truth += 0.1 * data[i, t];
            }
        }
        Assert.InRange(truth, b.Low, b.High);
    }

    private static readonly GeoDesignOptions TwoCells = new()
    {
        Cells = 2, Sizes = [2, 3], TreatmentPeriods = [15], EffectSizes = [0, 0.05, 0.1, 0.15, 0.2], Cpic = 7.5, Permutations = 200, CalibrationWindows = 0,
    };

    private static readonly Lazy<MultiCellSelection> TwoCellSelection = new(() => MultiCellMarketSelection.Select(DesignPanels.PreTest, TwoCells));

    [Fact]
    public void Two_cell_selection_on_the_pretest_panel_selects_each_cell_within_its_pool_with_shares_of_the_whole_panel()
    {
        var data = DesignPanels.PreTest;
        var selection = TwoCellSelection.Value;

        var expectedPools = SystematicSampling.Cells(data, 2, TwoCells.Seed).Select(c => c.Select(i => data.Units[i]).ToArray()).ToArray();
        Assert.Equal(expectedPools, selection.CellMarkets);
        Assert.Equal(data.Units.Order(), selection.CellMarkets.SelectMany(c => c).Order());
        var totals = SystematicSampling.Totals(data);
        double all = totals.Sum();
        Assert.Equal(1, selection.CellMarkets.Sum(pool => pool.Sum(m => totals[Market(data, m)])) / all, 12);
        int simulations = 0;
        for (int c = 0; c < 2; c++)
        {
            var pool = selection.CellMarkets[c];
            var cell = selection.Cells[c];
            Assert.NotEmpty(cell.Candidates);
            foreach (var row in cell.Candidates)
            {
                Assert.All(row.Locations, m => Assert.Contains(m, pool));
                Assert.InRange(row.Locations.Count, 2, 3);
                // The cell's share of its pool, rescaled: the candidate's share of the whole panel's outcome.
                Assert.Equal(row.Locations.Sum(m => totals[Market(data, m)]) / all, row.ProportionTotalY, 12);
                Assert.Equal(1 - row.ProportionTotalY, row.Holdout, 12);
            }
            Assert.All(cell.Curves, curve => Assert.All(curve.Locations, m => Assert.Contains(m, pool)));
            // Within its pool the cell is an ordinary market selection on the cell's own panel.
            var alone = GeoMarketSelection.Select(MultiCellMarketSelection.SubPanel(data, SystematicSampling.Cells(data, 2, TwoCells.Seed)[c]), TwoCells with { Cells = 1 });
            Assert.Equal(alone.Candidates.Select(r => (string.Join(",", r.Locations), r.Duration, r.EffectSize, r.AvgAtt)), cell.Candidates.Select(r => (string.Join(",", r.Locations), r.Duration, r.EffectSize, r.AvgAtt)));
            simulations += cell.Simulations;
        }
        Assert.Equal(simulations, selection.Simulations);
        Assert.Equal(selection.Cells.Sum(cell => cell.Curves.Count) * 5, selection.Simulations);
    }

    private sealed class Reports : IProgress<DesignProgress>
    {
        public List<DesignProgress> Seen { get; } = [];

        public void Report(DesignProgress value) => Seen.Add(value);
    }

    [Fact]
    public void Progress_over_three_cells_only_moves_forward_and_ends_complete()
    {
        var reports = new Reports();

        var selection = MultiCellMarketSelection.Select(DesignPanels.PreTest, TwoCells with { Cells = 3, Sizes = [2], EffectSizes = [0, 0.1], Permutations = 50 }, reports);

        Assert.Equal(3, selection.Cells.Count);
        Assert.NotEmpty(reports.Seen);
        for (int k = 1; k < reports.Seen.Count; k++)
        {
            Assert.True(reports.Seen[k].Done >= reports.Seen[k - 1].Done);
        }
        Assert.Equal(reports.Seen[^1].Total, reports.Seen[^1].Done);
        Assert.All(reports.Seen, r => Assert.True(r.Done <= r.Total));
    }

    [Fact]
    [Trait("Category", "Simulation")]
    public void Comparing_the_two_cells_best_choices_removes_the_other_cell_from_the_donors_and_finds_the_winning_multiple_per_direction()
    {
        var data = DesignPanels.PreTest;
        var selection = TwoCellSelection.Value;
        IReadOnlyList<string>[] cells = [selection.Cells[0].Candidates[0].Locations, selection.Cells[1].Candidates[0].Locations];

        var (curves, comparisons) = MultiCellMarketSelection.Compare(data, cells, 15, TwoCells with { Cells = 1 });

        Assert.Equal(2, curves.Count);
        var mdes = new double[2];
        for (int c = 0; c < 2; c++)
        {
            Assert.Equal(cells[c], curves[c].Locations);
            var others = cells[1 - c];
            var pool = Enumerable.Range(0, data.N).Where(i => !others.Contains(data.Units[i])).ToArray();
            var reference = GeoPowerAnalysis.Curve(MultiCellMarketSelection.SubPanel(data, pool), cells[c], TwoCells with { Cells = 1 });
            Assert.Equal(reference.Points.Select(p => (p.EffectSize, p.Power)), curves[c].Points.Select(p => (p.EffectSize, p.Power)));
            Assert.Equal(reference.Points.Select(p => p.AvgAtt), curves[c].Points.Select(p => p.AvgAtt), (x, y) => Math.Abs(x - y) <= 1e-6 * Math.Max(1, Math.Abs(x)));
            mdes[c] = curves[c].Points.Where(p => p.EffectSize > 0 && p.Power > 0.8).Select(p => p.EffectSize).DefaultIfEmpty(0.2).Min();
        }
        Assert.Equal(2, comparisons.Count);
        Assert.Equal((cells[0], cells[1]), (comparisons[0].CellA, comparisons[0].CellB));
        Assert.Equal((cells[1], cells[0]), (comparisons[1].CellA, comparisons[1].CellB));
        foreach (var comparison in comparisons)
        {
            Assert.Equal(15, comparison.Duration);
            Assert.Equal(Math.Max(mdes[0], mdes[1]), comparison.BaseLift);
            if (comparison.WinningMultiple is { } m)
            {
                Assert.InRange(m, 1, 5);
                Assert.Equal(0, Math.Round((m - 1) / 0.05, 9) % 1);
            }
        }
    }
}
