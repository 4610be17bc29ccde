using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Tests.Design;

public sealed class MultiCellTests
{
    private static readonly Lazy<GeoDesignPanel> PreTest = new(() =>
        GeoDesignPanel.FromPanel(PanelExportReader.ReadAsync(TestData.Panel("GeoLift_PreTest.parquet")).GetAwaiter().GetResult(), "conversions"));

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
        var data = PreTest.Value;

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
        var data = PreTest.Value;

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
    [InlineData(40, 2, new[] { 1, 2, 4, 6, 8, 10 })]
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
        var data = PreTest.Value;

        var one = Assert.Throws<ArgumentException>(() => MultiCellMarketSelection.Select(data, new GeoDesignOptions { Cells = 1 }));
        var large = Assert.Throws<ArgumentException>(() => MultiCellMarketSelection.Select(data, new GeoDesignOptions { Cells = 2, Sizes = [2, 20] }));

        Assert.StartsWith("A multi-cell design needs at least 2 cells (got 1).", one.Message);
        Assert.StartsWith("Test sizes must be below 20", large.Message);
    }

    [Fact]
    public void Comparing_cells_that_share_a_market_or_name_an_unknown_one_is_refused()
    {
        var data = PreTest.Value;
        var options = new GeoDesignOptions();

        var shared = Assert.Throws<ArgumentException>(() => MultiCellMarketSelection.Compare(data, [["chicago", "portland"], ["portland"]], 15, options));
        var unknown = Assert.Throws<ArgumentException>(() => MultiCellMarketSelection.Compare(data, [["chicago"], ["atlantis"]], 15, options));

        Assert.StartsWith("Market 'portland' is in more than one cell.", shared.Message);
        Assert.StartsWith("Unknown market 'atlantis'", unknown.Message);
    }

    [Fact]
    [Trait("Category", "Simulation")]
    public void The_winning_multiple_is_the_first_on_the_grid_at_which_the_cells_intervals_separate()
    {
        var data = PreTest.Value;
        int[][] cells = [[Market(data, "chicago"), Market(data, "portland")], [Market(data, "cincinnati"), Market(data, "houston")]];
        var options = new GeoDesignOptions { Permutations = 200, Alpha = 0.1 };
        var winner = new CellWinner(data, cells, 15, options);

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
}
