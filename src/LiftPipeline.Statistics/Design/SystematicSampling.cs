namespace LiftPipeline.Statistics.Design;

/// <summary>
/// GeoLift's split of the markets into k similar cells (MultiCellMarketSelection, <c>sampling_method = "systematic"</c>):
/// markets ranked by total outcome, largest first; a random order r of the cells 1..k; cell i takes the ranks
/// r[i], r[i] + k, r[i] + 2k, …, so every cell gets one market from each band of k consecutive ranks.
/// </summary>
internal static class SystematicSampling
{
    /// <summary>The markets of each of <paramref name="k"/> cells, each in panel order; r drawn from <paramref name="seed"/>.</summary>
    public static int[][] Cells(GeoDesignPanel data, int k, int seed) => Cells(RankByTotal(data), RandomOrder(k, seed));

    /// <summary>The cells for a given order <paramref name="r"/> (a permutation of 1..k) of <paramref name="ranked"/> markets (rank 1 first).</summary>
    public static int[][] Cells(IReadOnlyList<int> ranked, IReadOnlyList<int> r)
    {
        int k = r.Count;
        var cells = new int[k][];
        for (int i = 0; i < k; i++)
        {
            var cell = new List<int>();
            for (int rank = r[i]; rank <= ranked.Count; rank += k)
            {
                cell.Add(ranked[rank - 1]);
            }
            cell.Sort();
            cells[i] = cell.ToArray();
        }
        return cells;
    }

    /// <summary>Market indices by total outcome over the history, largest first; ties by name (GeoLift groups by sorted location).</summary>
    public static int[] RankByTotal(GeoDesignPanel data)
    {
        var totals = Totals(data);
        var order = Enumerable.Range(0, data.N).ToArray();
        Array.Sort(order, (a, b) =>
        {
            int byTotal = totals[b].CompareTo(totals[a]);
            return byTotal != 0 ? byTotal : string.CompareOrdinal(data.Units[a], data.Units[b]);
        });
        return order;
    }

    /// <summary>Each market's total outcome over the history.</summary>
    public static double[] Totals(GeoDesignPanel data)
    {
        var totals = new double[data.N];
        for (int i = 0; i < data.N; i++)
        {
            foreach (double v in data.Row(i))
            {
                totals[i] += v;
            }
        }
        return totals;
    }

    /// <summary>A random permutation of 1..k from <paramref name="seed"/> (GeoLift's <c>sample(1:k, k)</c>).</summary>
    public static int[] RandomOrder(int k, int seed)
    {
        var r = Enumerable.Range(1, k).ToArray();
        new Random(seed).Shuffle(r);
        return r;
    }

    /// <summary>
    /// GeoLift's default test sizes for k cells: the distinct type-1 quantiles of 1..round(N/k) at 0, 0.1, …, 0.5
    /// (round half to even, as R).
    /// </summary>
    public static int[] DefaultSizes(int markets, int k) =>
        MarketCandidates.QuantileSizes((int)Math.Round((double)markets / k, MidpointRounding.ToEven));
}
