using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Design;

/// <summary>
/// The history a geo test is designed on: N markets × T periods of one outcome, before any market is treated.
/// Row-major (a market's periods are contiguous), immutable, safe to share between threads.
/// </summary>
public sealed class GeoDesignPanel
{
    private readonly double[] _y;

    /// <summary>A design panel of <paramref name="units"/> × <paramref name="periods"/>, <paramref name="y"/> row-major.</summary>
    /// <exception cref="ArgumentException">Sizes disagree, a name repeats, a value is not finite, or there are fewer than 3 markets or 4 periods.</exception>
    public GeoDesignPanel(IReadOnlyList<string> units, IReadOnlyList<Period> periods, double[] y)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(periods);
        ArgumentNullException.ThrowIfNull(y);
        if (units.Count < 3 || periods.Count < 4)
        {
            throw new ArgumentException($"A geo design needs at least 3 markets and 4 periods (got {units.Count} and {periods.Count}).");
        }
        if (y.Length != units.Count * periods.Count)
        {
            throw new ArgumentException($"Expected {units.Count}×{periods.Count} values, got {y.Length}.", nameof(y));
        }
        if (units.Distinct(StringComparer.Ordinal).Count() != units.Count)
        {
            throw new ArgumentException("Market names repeat.", nameof(units));
        }
        foreach (double v in y)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("Every outcome must be finite.", nameof(y));
            }
        }
        Units = units;
        Periods = periods;
        _y = y;
    }

    /// <summary>
    /// The pre-treatment history of one metric of a panel export: every period before the first treated period, or the
    /// whole panel when nothing is treated yet (a pre-test export).
    /// </summary>
    /// <exception cref="MeasurementNotPossibleException">The panel is treated from its first period, so it has no history.</exception>
    public static GeoDesignPanel FromPanel(Panel panel, string metric)
    {
        ArgumentNullException.ThrowIfNull(panel);
        int first = panel.Periods.Count;
        foreach (int start in panel.FirstTreatedPeriods)
        {
            if (start >= 0 && start < first)
            {
                first = start;
            }
        }
        if (first < 4)
        {
            throw new MeasurementNotPossibleException($"A geo design needs at least 4 periods before any market is treated; this panel has {first}.");
        }
        var matrix = panel.Metric(metric);
        int n = panel.Units.Count, t = panel.Periods.Count;
        var y = new double[n * first];
        for (int i = 0; i < n; i++)
        {
            matrix.Values.Slice(i * t, first).CopyTo(y.AsSpan(i * first, first));
        }
        return new GeoDesignPanel(panel.Units, panel.Periods.Take(first).ToArray(), y);
    }

    /// <summary>Market names, in row order.</summary>
    public IReadOnlyList<string> Units { get; }

    /// <summary>Periods, ascending.</summary>
    public IReadOnlyList<Period> Periods { get; }

    /// <summary>N, the number of markets.</summary>
    public int N => Units.Count;

    /// <summary>T, the number of periods.</summary>
    public int T => Periods.Count;

    /// <summary>Y[market, period].</summary>
    public double this[int i, int t] => _y[i * T + t];

    /// <summary>Market i's path over all T periods.</summary>
    public ReadOnlySpan<double> Row(int i) => _y.AsSpan(i * T, T);

    /// <summary>All values, row-major.</summary>
    public ReadOnlySpan<double> Values => _y;
}
