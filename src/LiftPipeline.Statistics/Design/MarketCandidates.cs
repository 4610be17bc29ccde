namespace LiftPipeline.Statistics.Design;

/// <summary>
/// GeoLift's deterministic candidate test groups (MarketSelection, MarketCorrelations, stochastic_market_selector
/// without sampling): each market's row is itself, then the other markets by decreasing Pearson correlation over the
/// whole history (ties and undefined correlations after, in panel order); a candidate of size n is the first n entries
/// of a row, sorted by name and de-duplicated.
/// </summary>
internal static class MarketCandidates
{
    /// <summary>
    /// GeoLift's default sizes: the distinct type-1 quantiles of 1..<paramref name="markets"/> at 0, 0.1, …, 0.5, keeping
    /// those of at least <paramref name="include"/> markets.
    /// </summary>
    public static int[] DefaultSizes(int markets, int include)
    {
        var sizes = new List<int>();
        foreach (int size in QuantileSizes(markets))
        {
            if (size >= include)
            {
                sizes.Add(size);
            }
        }
        return [.. sizes];
    }

    /// <summary>
    /// The distinct type-1 quantiles of 1..n at R's seq(0, 0.5, 0.1), ascending (GeoLift's default sizes). The
    /// probabilities are computed as R computes them (k × 0.1, so the fourth is 0.30000000000000004), and the type-1
    /// quantile of 1..n at p is ⌈n·p⌉ (1 at p = 0): for n = 40 that gives 13, not 12, as GeoLift does.
    /// </summary>
    internal static int[] QuantileSizes(int n)
    {
        var sizes = new SortedSet<int>();
        for (int k = 0; k <= 5; k++)
        {
            double p = k * 0.1;
            sizes.Add(Math.Clamp((int)Math.Ceiling(n * p), 1, n));
        }
        return [.. sizes];
    }

    /// <summary>
    /// The candidates of <paramref name="size"/> markets among <paramref name="markets"/> (indices into the panel, the
    /// excluded markets already removed) that contain every market of <paramref name="include"/>; each sorted by name,
    /// in order of first appearance over the rows taken in name order.
    /// </summary>
    public static List<int[]> Generate(GeoDesignPanel data, IReadOnlyList<int> markets, int size, IReadOnlyList<int> include)
    {
        var rows = SimilarityRows(data, markets);
        var byName = Enumerable.Range(0, markets.Count).OrderBy(a => data.Units[markets[a]], StringComparer.Ordinal).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var candidates = new List<int[]>();
        foreach (int a in byName)
        {
            var candidate = rows[a].Take(size).OrderBy(i => data.Units[i], StringComparer.Ordinal).ToArray();
            if (include.All(candidate.Contains) && seen.Add(string.Join('\u001f', candidate)))
            {
                candidates.Add(candidate);
            }
        }
        return candidates;
    }

    /// <summary>For each of <paramref name="markets"/>, itself then the others by decreasing correlation (panel indices).</summary>
    public static int[][] SimilarityRows(GeoDesignPanel data, IReadOnlyList<int> markets)
    {
        int k = markets.Count;
        var correlation = new double[k * k];
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b <= a; b++)
            {
                correlation[a * k + b] = correlation[b * k + a] = Pearson(data.Row(markets[a]), data.Row(markets[b]));
            }
        }
        var rows = new int[k][];
        for (int a = 0; a < k; a++)
        {
            var others = Enumerable.Range(0, k).Where(b => b != a)
                .OrderByDescending(b => double.IsNaN(correlation[a * k + b]) ? double.NegativeInfinity : correlation[a * k + b])
                .ThenBy(b => markets[b]);
            rows[a] = [markets[a], .. others.Select(b => markets[b])];
        }
        return rows;
    }

    /// <summary>Pearson's correlation of two equally long series (NaN when either is constant).</summary>
    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double mx = 0, my = 0;
        for (int t = 0; t < x.Length; t++)
        {
            mx += x[t];
            my += y[t];
        }
        mx /= x.Length;
        my /= y.Length;
        double sxy = 0, sxx = 0, syy = 0;
        for (int t = 0; t < x.Length; t++)
        {
            double dx = x[t] - mx, dy = y[t] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }
}
