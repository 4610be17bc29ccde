namespace LiftPipeline.Statistics.Experiments;

/// <summary>
/// Mergeable sufficient statistics of a customer-level experiment export, per cell (arm × segment × surface × market, by
/// category name): everything difference-in-means, CUPED, ratio-metric and exposure (CACE) contrasts need, plus one
/// <see cref="QuantileSketch"/> per (arm, outcome) for capping and tail fitting. Built by
/// the streaming builder (Ingestion); the statistics of a union of exports are <see cref="Combine"/> of theirs —
/// counts exactly, sums up to rounding (compensated, ~1e-15 relative). Each cell sums every outcome and covariate about
/// its own shift (a pilot mean, see <see cref="StatisticsAccumulator"/>); a union of several cells is summed about their
/// pooled means, each cell re-centred onto them before it is added (<see cref="SampleMoments"/>), so no one cell's
/// pilot decides how many digits the union keeps.
/// Memory: cells × (2·(2O + 2C + O·C + O(O−1)/2 + O + 1) + O + C doubles + 3 longs) for O outcomes and C covariates — 72
/// cells × 2 outcomes × 1 covariate is about 19 KB — plus the sketches (≈ 1,000 longs per arm × outcome at α = 1 %); independent of rows.
/// Immutable: <see cref="Merge"/> returns new statistics.
/// </summary>
public sealed partial class ExperimentStatistics
{
    private readonly StatisticsLayout _layout;
    private readonly List<ExperimentCell> _cells;
    private readonly Dictionary<ExperimentCell, int> _index;
    private readonly double[] _sums;
    private readonly double[] _compensations;
    private readonly double[] _shifts;
    private readonly long[] _counts;
    private readonly Dictionary<string, QuantileSketch[]> _sketches;

    internal ExperimentStatistics(StatisticsLayout layout, double sketchAccuracy, List<ExperimentCell> cells, double[] sums, double[] compensations,
        double[] shifts, long[] counts, Dictionary<string, QuantileSketch[]> sketches)
    {
        _layout = layout;
        SketchRelativeAccuracy = sketchAccuracy;
        _cells = cells;
        _index = new Dictionary<ExperimentCell, int>(cells.Count);
        for (int i = 0; i < cells.Count; i++)
        {
            _index.Add(cells[i], i);
        }
        _sums = sums;
        _compensations = compensations;
        _shifts = shifts;
        _counts = counts;
        _sketches = sketches;
    }

    /// <summary>Outcome names, in index order.</summary>
    public IReadOnlyList<string> Outcomes => _layout.Outcomes;

    /// <summary>Pre-period covariate names, in index order.</summary>
    public IReadOnlyList<string> Covariates => _layout.Covariates;

    /// <summary>The relative accuracy α of the quantile sketches.</summary>
    public double SketchRelativeAccuracy { get; }

    /// <summary>Every non-empty cell, in order of first appearance.</summary>
    public IReadOnlyList<ExperimentCell> Cells => _cells;

    /// <summary>Arm names, ordinal order.</summary>
    public IReadOnlyList<string> Arms => [.. _sketches.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Customers in all cells.</summary>
    public long N
    {
        get
        {
            long n = 0;
            for (int i = 0; i < _cells.Count; i++)
            {
                n += _counts[i * StatisticsLayout.CountWidth + StatisticsLayout.CountN];
            }
            return n;
        }
    }

    /// <summary>The statistics of one cell; throws <see cref="KeyNotFoundException"/> when no customer falls in it.</summary>
    public CellStatistics Cell(ExperimentCell cell) =>
        _index.TryGetValue(cell, out int i) ? Aggregate(cell, [i]) : throw new KeyNotFoundException($"no customers in cell {cell}");

    /// <summary>The statistics of arm <paramref name="arm"/> summed over segments, surfaces and markets.</summary>
    public CellStatistics ForArm(string arm)
    {
        var members = Members(c => c.Arm == arm);
        return members.Count > 0 ? Aggregate(new ExperimentCell(arm, null, null, null), members)
            : throw new KeyNotFoundException($"no customers in arm '{arm}' (arms: {string.Join(", ", Arms)})");
    }

    /// <summary>Per (arm, level of <paramref name="dimension"/>) statistics, summed over the other dimensions; ordered by arm then level.</summary>
    public IReadOnlyList<CellStatistics> ByArmAnd(ExperimentDimension dimension)
    {
        var keys = new SortedSet<(string Arm, string? Level)>(Comparer<(string, string?)>.Create((a, b) =>
            string.CompareOrdinal(a.Item1, b.Item1) is var byArm and not 0 ? byArm : string.CompareOrdinal(a.Item2, b.Item2)));
        foreach (var cell in _cells)
        {
            keys.Add((cell.Arm, cell.Level(dimension)));
        }
        var result = new List<CellStatistics>(keys.Count);
        foreach (var (arm, name) in keys)
        {
            var key = new ExperimentCell(arm, dimension == ExperimentDimension.Segment ? name : null, dimension == ExperimentDimension.Surface ? name : null,
                dimension == ExperimentDimension.Market ? name : null);
            result.Add(Aggregate(key, Members(c => c.Arm == arm && c.Level(dimension) == name)));
        }
        return result;
    }

    /// <summary>The sketch of <paramref name="outcome"/> in arm <paramref name="arm"/> (a copy).</summary>
    public QuantileSketch Sketch(string arm, string outcome) =>
        _sketches.TryGetValue(arm, out var sketches) ? sketches[_layout.OutcomeIndex(outcome)].Clone()
            : throw new KeyNotFoundException($"no customers in arm '{arm}'");

    /// <summary>The sketch of <paramref name="outcome"/> over every arm (a copy).</summary>
    public QuantileSketch PooledSketch(string outcome)
    {
        int o = _layout.OutcomeIndex(outcome);
        var pooled = new QuantileSketch(SketchRelativeAccuracy);
        foreach (var sketches in _sketches.Values)
        {
            pooled.Merge(sketches[o]);
        }
        return pooled;
    }

    /// <summary>The statistics of the union of the customers of this and <paramref name="other"/>, matching cells by category names.</summary>
    /// <exception cref="ArgumentException">The two hold different outcomes or covariates, or sketches of different accuracy.</exception>
    public ExperimentStatistics Merge(ExperimentStatistics other) => Combine([this, other]);

    /// <summary>The statistics of the union of every part's customers; cells are matched by category names.</summary>
    /// <exception cref="ArgumentException">No parts, or parts with different outcomes, covariates or sketch accuracy.</exception>
    public static ExperimentStatistics Combine(IEnumerable<ExperimentStatistics> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var list = parts.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("nothing to combine", nameof(parts));
        }
        var first = list[0];
        var cells = new List<ExperimentCell>();
        var index = new Dictionary<ExperimentCell, int>();
        foreach (var part in list)
        {
            if (!part._layout.SameAs(first._layout) || part.SketchRelativeAccuracy != first.SketchRelativeAccuracy)
            {
                throw new ArgumentException(
                    $"cannot combine statistics of outcomes [{string.Join(", ", part.Outcomes)}] / covariates [{string.Join(", ", part.Covariates)}] / α {part.SketchRelativeAccuracy} " +
                    $"with [{string.Join(", ", first.Outcomes)}] / [{string.Join(", ", first.Covariates)}] / α {first.SketchRelativeAccuracy}", nameof(parts));
            }
            foreach (var cell in part._cells)
            {
                if (index.TryAdd(cell, cells.Count))
                {
                    cells.Add(cell);
                }
            }
        }
        var layout = first._layout;
        int w = layout.Width, s = layout.ShiftWidth;
        var sums = new double[cells.Count * w];
        var compensations = new double[cells.Count * w];
        var shifts = new double[cells.Count * s];
        var totals = new double[cells.Count * s];
        var customers = new long[cells.Count];
        var contributions = new int[cells.Count];
        foreach (var part in list)
        {
            for (int i = 0; i < part._cells.Count; i++)
            {
                int target = index[part._cells[i]];
                if (contributions[target]++ == 0)
                {
                    part._shifts.AsSpan(i * s, s).CopyTo(shifts.AsSpan(target * s, s));
                }
                customers[target] += part.AddSumsTo(i, totals.AsSpan(target * s, s));
            }
        }
        for (int target = 0; target < cells.Count; target++)
        {
            if (contributions[target] > 1)
            {
                PooledMeans(totals.AsSpan(target * s, s), customers[target], shifts.AsSpan(target * s, s));
            }
        }
        var counts = new long[cells.Count * StatisticsLayout.CountWidth];
        var sketches = new Dictionary<string, QuantileSketch[]>(StringComparer.Ordinal);
        var scratch = new double[w];
        foreach (var part in list)
        {
            for (int i = 0; i < part._cells.Count; i++)
            {
                int target = index[part._cells[i]];
                part.AddCellTo(i, sums.AsSpan(target * w, w), compensations.AsSpan(target * w, w), shifts.AsSpan(target * s, s), scratch);
                for (int k = 0; k < StatisticsLayout.CountWidth; k++)
                {
                    counts[target * StatisticsLayout.CountWidth + k] += part._counts[i * StatisticsLayout.CountWidth + k];
                }
            }
            foreach (var (arm, armSketches) in part._sketches)
            {
                if (!sketches.TryGetValue(arm, out var merged))
                {
                    merged = new QuantileSketch[first._layout.O];
                    for (int o = 0; o < merged.Length; o++)
                    {
                        merged[o] = new QuantileSketch(first.SketchRelativeAccuracy);
                    }
                    sketches.Add(arm, merged);
                }
                for (int o = 0; o < merged.Length; o++)
                {
                    merged[o].Merge(armSketches[o]);
                }
            }
        }
        return new ExperimentStatistics(layout, first.SketchRelativeAccuracy, cells, sums, compensations, shifts, counts, sketches);
    }

    /// <summary>Adds Σy of every shifted metric of cell <paramref name="i"/> (n·K + Σ(y − K)) into <paramref name="totals"/>; returns its customers.</summary>
    private long AddSumsTo(int i, Span<double> totals)
    {
        int w = _layout.Width, s = _layout.ShiftWidth;
        long n = _counts[i * StatisticsLayout.CountWidth + StatisticsLayout.CountN];
        for (int v = 0; v < s; v++)
        {
            int at = i * w + _layout.ShiftedSum(v);
            totals[v] += n * _shifts[i * s + v] + (_sums[at] + _compensations[at]);
        }
        return n;
    }

    /// <summary>Sets <paramref name="shifts"/> to the means Σy/n where they are finite (else keeps them).</summary>
    private static void PooledMeans(ReadOnlySpan<double> totals, long n, Span<double> shifts)
    {
        for (int v = 0; v < shifts.Length; v++)
        {
            double mean = totals[v] / n;
            if (double.IsFinite(mean))
            {
                shifts[v] = mean;
            }
        }
    }

    /// <summary>
    /// Adds cell <paramref name="i"/>'s sums into (<paramref name="sums"/>, <paramref name="compensations"/>), which are
    /// taken about <paramref name="shifts"/>: as they are when the shifts agree, else re-centred onto them first.
    /// </summary>
    private void AddCellTo(int i, Span<double> sums, Span<double> compensations, ReadOnlySpan<double> shifts, double[] scratch)
    {
        int w = _layout.Width, s = _layout.ShiftWidth;
        var own = _shifts.AsSpan(i * s, s);
        if (own.SequenceEqual(shifts))
        {
            NeumaierSum.Add(sums, compensations, _sums.AsSpan(i * w, w));
            AddTo(compensations, _compensations.AsSpan(i * w, w));
            return;
        }
        for (int k = 0; k < w; k++)
        {
            scratch[k] = _sums[i * w + k] + _compensations[i * w + k];
        }
        int c = i * StatisticsLayout.CountWidth;
        _layout.Recentre(scratch, _counts[c + StatisticsLayout.CountN], _counts[c + StatisticsLayout.CountExposed], own, shifts);
        NeumaierSum.Add(sums, compensations, scratch);
    }

    private List<int> Members(Func<ExperimentCell, bool> predicate)
    {
        var members = new List<int>();
        for (int i = 0; i < _cells.Count; i++)
        {
            if (predicate(_cells[i]))
            {
                members.Add(i);
            }
        }
        return members;
    }

    private CellStatistics Aggregate(ExperimentCell key, List<int> members)
    {
        int w = _layout.Width, s = _layout.ShiftWidth;
        var sums = new double[w];
        var compensations = new double[w];
        var shifts = _shifts.AsSpan(members[0] * s, s).ToArray();
        if (members.Count > 1)
        {
            var totals = new double[s];
            long customers = 0;
            foreach (int i in members)
            {
                customers += AddSumsTo(i, totals);
            }
            PooledMeans(totals, customers, shifts);
        }
        var counts = new long[StatisticsLayout.CountWidth];
        var scratch = new double[w];
        foreach (int i in members)
        {
            AddCellTo(i, sums, compensations, shifts, scratch);
            for (int k = 0; k < counts.Length; k++)
            {
                counts[k] += _counts[i * StatisticsLayout.CountWidth + k];
            }
        }
        for (int k = 0; k < w; k++)
        {
            sums[k] += compensations[k];
        }
        return new CellStatistics(key, _layout, sums, shifts, counts);
    }

    private static void AddTo(Span<double> into, ReadOnlySpan<double> values)
    {
        for (int k = 0; k < values.Length; k++)
        {
            into[k] += values[k];
        }
    }

    /// <summary>
    /// True when every value of <paramref name="metric"/> is 0 or 1: then Σy² = Σy, i.e. Σ(y − ȳ)² = nȳ(1 − ȳ), and no
    /// other values give that with y ≥ 0 outside (0, 1).
    /// </summary>
    public bool IsBinary(string metric)
    {
        var pooled = Arms.Select(a => ForArm(a).Outcome(metric)).Aggregate((a, b) => a + b);
        double mean = pooled.Mean, squares = pooled.N > 1 ? pooled.Variance * (pooled.N - 1) : 0;
        return Math.Abs(squares - pooled.N * mean * (1 - mean)) <= 1e-9 * Math.Max(1, pooled.Sum) && PooledSketch(metric).Quantile(0) >= 0;
    }
}
