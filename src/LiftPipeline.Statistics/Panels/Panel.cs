namespace LiftPipeline.Statistics.Panels;

/// <summary>
/// A balanced panel: units (sorted ordinally) × periods (ascending), one matrix per metric, the treatment
/// indicator W, and optionally each unit's arm (test cell) and media spend. Built by the panel export reader (Ingestion),
/// which guarantees every cell is present, treatment never switches off (unless allowed) and there is a
/// pre-period and a control unit. Immutable; safe to share between threads.
/// </summary>
public sealed class Panel
{
    private readonly bool[] _treated;
    private readonly Dictionary<string, PanelMatrix> _metrics;

    /// <summary>
    /// A panel of <paramref name="units"/> × <paramref name="periods"/>; <paramref name="treated"/> is row-major like the
    /// metric matrices; <paramref name="spend"/> is the export's <c>spend</c> column, null when it has none. The caller
    /// guarantees the invariants above (the export reader checks them).
    /// </summary>
    public Panel(IReadOnlyList<string> units, IReadOnlyList<Period> periods, IReadOnlyList<PanelMatrix> metrics, bool[] treated, IReadOnlyList<string?>? arms,
        PanelMatrix? spend = null)
    {
        Units = units;
        Periods = periods;
        _treated = treated;
        _metrics = metrics.ToDictionary(m => m.Name, StringComparer.Ordinal);
        MetricNames = metrics.Select(m => m.Name).ToArray();
        Arms = arms;
        Spend = spend;
        var first = new int[units.Count];
        int cells = 0;
        for (int u = 0; u < units.Count; u++)
        {
            first[u] = -1;
            for (int t = 0; t < periods.Count; t++)
            {
                if (treated[u * periods.Count + t])
                {
                    cells++;
                    if (first[u] < 0)
                    {
                        first[u] = t;
                    }
                }
            }
        }
        FirstTreatedPeriods = first;
        TreatedCellCount = cells;
        TreatedUnits = Enumerable.Range(0, units.Count).Where(u => first[u] >= 0).ToArray();
        ControlUnits = Enumerable.Range(0, units.Count).Where(u => first[u] < 0).ToArray();
    }

    /// <summary>Unit names, in ordinal order; a unit's index is its row in every matrix.</summary>
    public IReadOnlyList<string> Units { get; }

    /// <summary>Periods in ascending order; a period's index is its column in every matrix.</summary>
    public IReadOnlyList<Period> Periods { get; }

    /// <summary>Metric names in file order.</summary>
    public IReadOnlyList<string> MetricNames { get; }

    /// <summary>Each unit's arm, or null when the export has no arm column.</summary>
    public IReadOnlyList<string?>? Arms { get; }

    /// <summary>Media spend per unit and period (the export's <c>spend</c> column, not a metric), or null when the export has none.</summary>
    public PanelMatrix? Spend { get; }

    /// <summary>Number of (unit, period) cells under treatment.</summary>
    public int TreatedCellCount { get; }

    /// <summary>Indices of units treated in at least one period.</summary>
    public IReadOnlyList<int> TreatedUnits { get; }

    /// <summary>Indices of units never treated.</summary>
    public IReadOnlyList<int> ControlUnits { get; }

    /// <summary>Per unit, the index of its first treated period, or -1 for controls.</summary>
    public IReadOnlyList<int> FirstTreatedPeriods { get; }

    /// <summary>The matrix of metric <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The panel has no such metric.</exception>
    public PanelMatrix Metric(string name) => _metrics.TryGetValue(name, out var matrix)
        ? matrix
        : throw new KeyNotFoundException($"The panel has no metric '{name}'; it has {string.Join(", ", MetricNames)}.");

    /// <summary>W[unit, period]: true when the unit is under treatment in that period.</summary>
    public bool IsTreated(int unit, int period) => _treated[unit * Periods.Count + period];

    /// <summary>W, row-major.</summary>
    public ReadOnlySpan<bool> Treatment => _treated;
}
