namespace LiftPipeline.Statistics.Panels;

/// <summary>
/// One metric of a block design in the synthdid layout: the N0 control rows first, then the N1 treated rows;
/// the T0 pre-treatment columns first, then the T1 post columns. Row-major, immutable, safe to share.
/// Estimators and variance estimators work on this view; placebo, jackknife and bootstrap build new views
/// by selecting rows (<see cref="WithRows"/>).
/// </summary>
public sealed class BlockPanel
{
    private readonly double[] _y;

    /// <summary>Builds a block panel from row-major values (<paramref name="n0"/> + <paramref name="n1"/> rows of <paramref name="t0"/> + <paramref name="t1"/> columns).</summary>
    /// <exception cref="ArgumentException">Sizes disagree, or there is no control, treated, pre or post row/column.</exception>
    public BlockPanel(double[] y, int n0, int n1, int t0, int t1, IReadOnlyList<string>? units = null, IReadOnlyList<Period>? periods = null)
    {
        if (n0 < 1 || n1 < 1 || t0 < 1 || t1 < 1)
        {
            throw new ArgumentException($"A block panel needs at least one control, treated unit, pre and post period (got N0={n0}, N1={n1}, T0={t0}, T1={t1}).");
        }
        if (y.Length != (n0 + n1) * (t0 + t1))
        {
            throw new ArgumentException($"Expected {(n0 + n1) * (t0 + t1)} values for {n0 + n1}×{t0 + t1}, got {y.Length}.", nameof(y));
        }
        _y = y;
        N0 = n0;
        N1 = n1;
        T0 = t0;
        T1 = t1;
        Units = units ?? Enumerable.Range(0, n0 + n1).Select(i => "unit" + i).ToArray();
        Periods = periods ?? Enumerable.Range(0, t0 + t1).Select(t => Period.FromInteger(t)).ToArray();
        if (Units.Count != N || Periods.Count != T)
        {
            throw new ArgumentException($"Expected {N} unit names and {T} periods, got {Units.Count} and {Periods.Count}.");
        }
    }

    /// <summary>Number of control units (rows 0..N0-1).</summary>
    public int N0 { get; }

    /// <summary>Number of treated units (rows N0..N-1).</summary>
    public int N1 { get; }

    /// <summary>Number of pre-treatment periods (columns 0..T0-1).</summary>
    public int T0 { get; }

    /// <summary>Number of post-treatment periods (columns T0..T-1).</summary>
    public int T1 { get; }

    /// <summary>N = N0 + N1.</summary>
    public int N => N0 + N1;

    /// <summary>T = T0 + T1.</summary>
    public int T => T0 + T1;

    /// <summary>Unit names in row order (controls first).</summary>
    public IReadOnlyList<string> Units { get; }

    /// <summary>Periods in column order.</summary>
    public IReadOnlyList<Period> Periods { get; }

    /// <summary>Y[i, t].</summary>
    public double this[int i, int t] => _y[i * T + t];

    /// <summary>Row i (all T periods).</summary>
    public ReadOnlySpan<double> Row(int i) => _y.AsSpan(i * T, T);

    /// <summary>All values, row-major.</summary>
    public ReadOnlySpan<double> Values => _y;

    /// <summary>
    /// A new block panel of the given rows of this one (repeats allowed, as a bootstrap draws them), the first
    /// <paramref name="n0"/> of which become the controls and the rest the treated units.
    /// </summary>
    public BlockPanel WithRows(ReadOnlySpan<int> rows, int n0)
    {
        var y = new double[rows.Length * T];
        var names = new string[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            Row(rows[k]).CopyTo(y.AsSpan(k * T, T));
            names[k] = Units[rows[k]];
        }
        return new BlockPanel(y, n0, rows.Length - n0, T0, T1, names, Periods);
    }

    /// <summary>The same units with each treated cell replaced by <paramref name="value"/>(j, t, y) for treated unit j (0-based) and period t.</summary>
    public BlockPanel WithTreatedRows(Func<int, int, double, double> value)
    {
        var y = (double[])_y.Clone();
        for (int j = 0; j < N1; j++)
        {
            for (int t = 0; t < T; t++)
            {
                int k = (N0 + j) * T + t;
                y[k] = value(j, t, y[k]);
            }
        }
        return new BlockPanel(y, N0, N1, T0, T1, Units, Periods);
    }

    /// <summary>The average treated unit's path (length T).</summary>
    public double[] TreatedMean()
    {
        var mean = new double[T];
        for (int i = N0; i < N; i++)
        {
            var row = Row(i);
            for (int t = 0; t < T; t++)
            {
                mean[t] += row[t];
            }
        }
        for (int t = 0; t < T; t++)
        {
            mean[t] /= N1;
        }
        return mean;
    }

    /// <summary>
    /// The block view of <paramref name="metric"/> over <paramref name="units"/> (all units when null): never-treated
    /// units become controls, the rest treated, each group in panel order.
    /// </summary>
    /// <exception cref="ArgumentException">The treated units do not all start in the same period (use staggered adoption).</exception>
    /// <exception cref="MeasurementNotPossibleException">No treated or no control units, or treatment from the first period (no pre-period).</exception>
    public static BlockPanel FromPanel(Panel panel, string metric, IReadOnlyList<int>? units = null) => FromPanel(panel, panel.Metric(metric), units);

    /// <summary>
    /// The block design of <paramref name="matrix"/> (a metric or the spend of <paramref name="panel"/>) over
    /// <paramref name="units"/>, laid out exactly as <see cref="FromPanel(Panel, string, IReadOnlyList{int}?)"/> lays out a metric.
    /// </summary>
    public static BlockPanel FromPanel(Panel panel, PanelMatrix matrix, IReadOnlyList<int>? units = null)
    {
        var chosen = units ?? Enumerable.Range(0, panel.Units.Count).ToArray();
        var controls = chosen.Where(u => panel.FirstTreatedPeriods[u] < 0).ToArray();
        var treated = chosen.Where(u => panel.FirstTreatedPeriods[u] >= 0).ToArray();
        if (treated.Length == 0 || controls.Length == 0)
        {
            throw new MeasurementNotPossibleException($"A block design needs treated and control units; got {treated.Length} treated and {controls.Length} control.");
        }
        int t0 = panel.FirstTreatedPeriods[treated[0]];
        if (t0 == 0)
        {
            throw new MeasurementNotPossibleException($"Treatment starts in the first period ({panel.Periods[0]}), so there is no pre-period to fit a counterfactual on; export periods before the treatment start.");
        }
        foreach (int u in treated)
        {
            if (panel.FirstTreatedPeriods[u] != t0)
            {
                throw new ArgumentException($"Treated units start in different periods ({panel.Periods[t0]} and {panel.Periods[panel.FirstTreatedPeriods[u]]}); this is staggered adoption.");
            }
        }
        int T = panel.Periods.Count;
        var rows = controls.Concat(treated).ToArray();
        var y = new double[rows.Length * T];
        for (int k = 0; k < rows.Length; k++)
        {
            matrix.Row(rows[k]).CopyTo(y.AsSpan(k * T, T));
        }
        return new BlockPanel(y, controls.Length, treated.Length, t0, T - t0, rows.Select(u => panel.Units[u]).ToArray(), panel.Periods);
    }
}
