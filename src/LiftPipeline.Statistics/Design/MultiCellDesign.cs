namespace LiftPipeline.Statistics.Design;

/// <summary>A multi-cell market selection: the markets split into cells, and one market selection per cell.</summary>
/// <param name="CellMarkets">The pool of markets of each cell (GeoLift's systematic sampling by total outcome).</param>
/// <param name="Cells">Each cell's market selection within its pool; ProportionTotalY and Holdout are shares of the whole panel.</param>
/// <param name="Simulations">Simulations run over all cells.</param>
public sealed record MultiCellSelection(IReadOnlyList<IReadOnlyList<string>> CellMarkets, IReadOnlyList<MarketSelection> Cells, int Simulations);

/// <summary>
/// How much better cell A must do than cell B to be declared the winner (GeoLift's MultiCellWinner). Both cells' markets
/// are lifted over the last <paramref name="Duration"/> periods of the history — B by <paramref name="BaseLift"/>, A by
/// m × BaseLift — and each is measured against the markets of no cell; A wins when the (1 − alpha) conformal interval of
/// its incremental conversions (ATT × markets × periods, as GeoLift) lies wholly beyond B's in the lift's direction.
/// <paramref name="WinningMultiple"/> is the smallest such m on 1, 1.05, …, 5 (1 means A wins at the same relative lift,
/// for example because its markets are larger), or null when not even 5 × BaseLift separates them.
/// </summary>
public sealed record CellComparison(IReadOnlyList<string> CellA, IReadOnlyList<string> CellB, int Duration, double BaseLift, double? WinningMultiple);

/// <summary>Multi-cell geo designs (GeoLift's MultiCellMarketSelection, MultiCellPower and MultiCellWinner).</summary>
public static class MultiCellMarketSelection
{
    /// <summary>
    /// Splits the markets into <see cref="GeoDesignOptions.Cells"/> cells by systematic sampling on total outcome (the
    /// cell order drawn from <see cref="GeoDesignOptions.Seed"/>) and runs <see cref="GeoMarketSelection.Select"/> in each
    /// cell's pool. Sizes default to GeoLift's for k cells (quantiles of 1..round(N/k) at 0, 0.1, …, 0.5); included and
    /// excluded markets apply to the cell they fall in. ProportionTotalY and Holdout are rescaled to the whole panel.
    /// </summary>
    /// <exception cref="GeoDesignOptionException">Fewer than 2 cells, an unknown included or excluded market, or sizes too large for a cell.</exception>
    /// <exception cref="MeasurementNotPossibleException">A cell has no candidate that can be simulated.</exception>
    public static MultiCellSelection Select(GeoDesignPanel data, GeoDesignOptions options, IProgress<DesignProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        int k = options.Cells;
        if (k < 2)
        {
            throw new GeoDesignOptionException($"{{Cells}} is {k}; a multi-cell design needs at least 2 cells.");
        }
        int perCell = (int)Math.Round((double)data.N / k, MidpointRounding.ToEven);
        var sizes = options.Sizes ?? SystematicSampling.DefaultSizes(data.N, k);
        if (sizes.Count == 0 || sizes.Max() >= perCell)
        {
            throw new GeoDesignOptionException($"{{Sizes}} is {string.Join(",", sizes)}; {{Cells}} {k} of {data.N} markets hold {perCell} markets each, so give sizes below {perCell}.");
        }
        GeoDesignValidation.Markets(data, options.Include, nameof(GeoDesignOptions.Include));
        GeoDesignValidation.Markets(data, options.Exclude, nameof(GeoDesignOptions.Exclude));
        GeoDesignValidation.Markets(data, options.Controls ?? [], nameof(GeoDesignOptions.Controls));
        var cells = SystematicSampling.Cells(data, k, options.Seed);
        var totals = SystematicSampling.Totals(data);
        double all = totals.Sum();
        var pools = new IReadOnlyList<string>[k];
        var selections = new MarketSelection[k];
        long done = 0;
        int simulations = 0;
        for (int c = 0; c < k; c++)
        {
            var pool = cells[c].Select(i => data.Units[i]).ToArray();
            var cellOptions = options with
            {
                Cells = 1,
                Sizes = sizes,
                Include = InPool(options.Include, pool),
                Exclude = InPool(options.Exclude, pool),
                Controls = options.Controls is null ? null : InPool(options.Controls, pool),
            };
            var cellProgress = progress is null ? null : new CellProgress(progress, done, k - c);
            var selection = GeoMarketSelection.Select(SubPanel(data, cells[c]), cellOptions, cellProgress, cancellationToken);
            double share = cells[c].Sum(i => totals[i]) / all;
            pools[c] = pool;
            selections[c] = selection with { Candidates = selection.Candidates.Select(row => Rescaled(row, share)).ToArray() };
            done += selection.Simulations;
            simulations += selection.Simulations;
        }
        return new MultiCellSelection(pools, selections, simulations);
    }

    /// <summary>
    /// The power curve of each cell's chosen markets over <paramref name="duration"/> periods with the other cells' markets
    /// removed from its donors (MultiCellPower), and for every ordered pair of cells how much better one must be to be
    /// declared the winner (MultiCellWinner, see <see cref="CellComparison"/>). The base lift of a pair is the larger of
    /// the two cells' MDEs (the smallest positive effect size whose power exceeds <see cref="GeoDesignOptions.Power"/>;
    /// for effect sizes that are all negative, the largest negative one), or the largest simulated effect size when a
    /// cell never reaches that power.
    /// </summary>
    /// <exception cref="GeoDesignOptionException">Fewer than 2 cells, an empty cell, an unknown market, a market in two cells, no non-zero effect size, a duration that does not fit, or no market left outside the cells as a control.</exception>
    /// <exception cref="MeasurementNotPossibleException">The estimator cannot run on the design.</exception>
    public static (IReadOnlyList<GeoPowerCurve> Curves, IReadOnlyList<CellComparison> Comparisons) Compare(
        GeoDesignPanel data, IReadOnlyList<IReadOnlyList<string>> cells, int duration, GeoDesignOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(options);
        var index = CellIndices(data, cells);
        if (duration < 1 || duration > data.T - 2)
        {
            throw new GeoDesignOptionException($"{{TreatmentPeriods}} {duration} does not fit the history of {data.T} periods; give durations from 1 to {data.T - 2}.");
        }
        double direction = options.EffectSizes.Any(e => e > 0) ? 1 : -1;
        var simulated = options.EffectSizes.Where(e => e * direction > 0).ToArray();
        if (simulated.Length == 0)
        {
            throw new GeoDesignOptionException("Comparing cells needs a non-zero effect in {EffectSizes}, such as 0,0.05,0.1.");
        }
        double largest = direction > 0 ? simulated.Max() : simulated.Min();
        var pool = options.Controls is null ? Enumerable.Range(0, data.N).ToArray() : GeoDesignValidation.Markets(data, options.Controls, nameof(GeoDesignOptions.Controls));
        var curves = new GeoPowerCurve[cells.Count];
        var mdes = new double[cells.Count];
        for (int c = 0; c < cells.Count; c++)
        {
            var others = index.Where((_, j) => j != c).SelectMany(cell => cell).ToHashSet();
            var controls = pool.Where(i => !others.Contains(i) && Array.IndexOf(index[c], i) < 0).Select(i => data.Units[i]).ToArray();
            var curveOptions = options with { TreatmentPeriods = [duration], Cells = 1, Include = [], Exclude = [], Controls = controls };
            curves[c] = GeoPowerAnalysis.Curve(data, cells[c], curveOptions, null, cancellationToken);
            mdes[c] = Mde(curves[c], duration, direction, options.Power) ?? largest;
        }
        var donors = pool.Where(i => !index.Any(cell => Array.IndexOf(cell, i) >= 0)).ToArray();
        var winner = new CellWinner(data, index, donors, duration, options);
        var comparisons = new List<CellComparison>();
        for (int a = 0; a < cells.Count; a++)
        {
            for (int b = 0; b < cells.Count; b++)
            {
                if (a != b)
                {
                    double baseLift = direction > 0 ? Math.Max(mdes[a], mdes[b]) : Math.Min(mdes[a], mdes[b]);
                    comparisons.Add(new CellComparison(cells[a], cells[b], duration, baseLift, winner.WinningMultiple(a, b, baseLift, cancellationToken)));
                }
            }
        }
        return (curves, comparisons);
    }

    /// <summary>The smallest |effect| in <paramref name="direction"/> whose power at <paramref name="duration"/> exceeds <paramref name="power"/>, if any.</summary>
    internal static double? Mde(GeoPowerCurve curve, int duration, double direction, double power)
    {
        double? mde = null;
        foreach (var point in curve.Points)
        {
            if (point.Duration == duration && point.EffectSize * direction > 0 && point.Power > power
                && (mde is null || Math.Abs(point.EffectSize) < Math.Abs(mde.Value)))
            {
                mde = point.EffectSize;
            }
        }
        return mde;
    }

    /// <summary>The design panel of <paramref name="markets"/> (ascending indices) only.</summary>
    internal static GeoDesignPanel SubPanel(GeoDesignPanel data, IReadOnlyList<int> markets)
    {
        var y = new double[markets.Count * data.T];
        for (int k = 0; k < markets.Count; k++)
        {
            data.Row(markets[k]).CopyTo(y.AsSpan(k * data.T, data.T));
        }
        return new GeoDesignPanel(markets.Select(i => data.Units[i]).ToArray(), data.Periods, y);
    }

    private static MarketCandidate Rescaled(MarketCandidate row, double share)
    {
        double proportion = row.ProportionTotalY * share;
        return row with { ProportionTotalY = proportion, Holdout = row.EffectSize < 0 ? proportion : 1 - proportion };
    }

    private static int[][] CellIndices(GeoDesignPanel data, IReadOnlyList<IReadOnlyList<string>> cells)
    {
        if (cells.Count < 2)
        {
            throw new GeoDesignOptionException($"Comparing cells needs {{Locations}} given for at least 2 cells (got {cells.Count}).");
        }
        var seen = new HashSet<int>();
        var index = new int[cells.Count][];
        for (int c = 0; c < cells.Count; c++)
        {
            if (cells[c].Count == 0)
            {
                throw new GeoDesignOptionException($"{{Locations}} of cell {c + 1} names no market.");
            }
            index[c] = GeoDesignValidation.Markets(data, cells[c], "Locations");
            foreach (int market in index[c])
            {
                if (!seen.Add(market))
                {
                    throw new GeoDesignOptionException($"Market '{data.Units[market]}' is in the {{Locations}} of more than one cell.");
                }
            }
        }
        return index;
    }

    private static string[] InPool(IReadOnlyList<string> markets, string[] pool) =>
        markets.Where(m => pool.Contains(m.Trim(), StringComparer.OrdinalIgnoreCase)).ToArray();

    /// <summary>One cell's progress as progress of the whole design, assuming the remaining cells cost what this one does.</summary>
    private sealed class CellProgress(IProgress<DesignProgress> inner, long before, int remaining) : IProgress<DesignProgress>
    {
        public void Report(DesignProgress value) => inner.Report(new DesignProgress(before + value.Done, before + value.Total * remaining));
    }
}
