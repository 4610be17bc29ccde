using LiftPipeline.Statistics.Decisions.Privacy;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Privacy;

/// <summary>
/// The customer counts a holdout measurement releases, as <see cref="ReleasePolicy"/> suppresses them: the arms' list and
/// one arms × values table per breakdown (segment, surface, market) sharing its row totals with that list.
/// </summary>
internal sealed class ReleaseTables
{
    private static readonly Func<HoldoutContrast, string?>[] Breakdowns = [c => c.Segment, c => c.Surface, c => c.Market];

    private readonly string[] _arms;
    private readonly long[] _customers;
    private readonly Table?[] _tables;

    private ReleaseTables(string[] arms, long[] customers, Table?[] tables) => (_arms, _customers, _tables) = (arms, customers, tables);

    /// <summary>
    /// One breakdown's values and its arms × values counts, with a last column of customers without a value when there are
    /// any (<paramref name="Other"/>); an arm's 0 there is taken as known to the reader, not as a small cell.
    /// </summary>
    private sealed record Table(IReadOnlyList<string> Values, long[,] Cells, bool Other);

    /// <summary>The counts of <paramref name="measurement"/>: arm totals from its arms, cells from its contrast rows.</summary>
    public static ReleaseTables Build(HoldoutMeasurement measurement)
    {
        var arms = measurement.Arms.Select(a => a.Arm).ToList();
        foreach (var c in measurement.Contrasts)
        {
            foreach (string arm in (ReadOnlySpan<string>)[c.Treatment, c.Control])
            {
                if (!arms.Contains(arm))
                {
                    arms.Add(arm);   // an arm without a count: 0 customers, so suppressed with everything it touches
                }
            }
        }
        var customers = arms.Select(a => measurement.Arms.FirstOrDefault(x => x.Arm == a)?.N ?? 0).ToArray();
        var tables = new Table?[Breakdowns.Length];
        for (int d = 0; d < Breakdowns.Length; d++)
        {
            tables[d] = TableOf(measurement.Contrasts, Breakdowns[d], arms, customers);
        }
        return new([.. arms], customers, tables);
    }

    /// <summary>Suppresses the list and the tables together until the arm totals they share agree.</summary>
    public HiddenCells Suppress(SmallCellSuppression rule)
    {
        int arms = _arms.Length;
        var armHidden = new bool[arms + 1];   // the last entry is the grand total
        var suppressed = new SuppressedTable?[_tables.Length];
        bool changed = true;
        while (changed)
        {
            var list = rule.Apply(ToRow(_customers), ListMask(armHidden));
            for (int d = 0; d < _tables.Length; d++)
            {
                suppressed[d] = _tables[d] is { } t ? rule.Apply(t.Cells, TableMask(t, armHidden)) : null;
            }
            changed = false;
            for (int a = 0; a <= arms; a++)
            {
                bool hidden = list.IsSuppressed(0, a) || suppressed.Any(s => s is not null && s.IsSuppressed(a, s.Columns));
                changed |= hidden && !armHidden[a];
                armHidden[a] |= hidden;
            }
        }
        var hiddenArms = new HashSet<string>(StringComparer.Ordinal);
        for (int a = 0; a < arms; a++)
        {
            if (armHidden[a])
            {
                hiddenArms.Add(_arms[a]);
            }
        }
        var cells = new HashSet<(int, string, string)>();
        for (int d = 0; d < _tables.Length; d++)
        {
            if (_tables[d] is not { } t || suppressed[d] is not { } s)
            {
                continue;
            }
            for (int a = 0; a < arms; a++)
            {
                for (int v = 0; v < t.Values.Count; v++)
                {
                    if (s.IsSuppressed(a, v))
                    {
                        cells.Add((d, _arms[a], t.Values[v]));
                    }
                }
            }
        }
        return new HiddenCells(hiddenArms, cells);
    }

    /// <summary>The arms × values counts of one breakdown, or null when no row has a value; a count is the smallest any row gives.</summary>
    private static Table? TableOf(IReadOnlyList<HoldoutContrast> contrasts, Func<HoldoutContrast, string?> value, List<string> arms, long[] customers)
    {
        var values = contrasts.Select(value).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (values.Count == 0)
        {
            return null;
        }
        var counts = new long[arms.Count, values.Count];
        var seen = new bool[arms.Count, values.Count];
        foreach (var c in contrasts)
        {
            if (value(c) is not { } v)
            {
                continue;
            }
            int j = values.IndexOf(v);
            foreach (var (arm, n) in (ReadOnlySpan<(string, long)>)[(c.Treatment, c.TreatmentN), (c.Control, c.ControlN)])
            {
                int i = arms.IndexOf(arm);
                counts[i, j] = seen[i, j] ? Math.Min(counts[i, j], n) : n;
                seen[i, j] = true;
            }
        }
        // Customers without a value make a last column, so each row adds up to its arm; none: no such column.
        var rest = new long[arms.Count];
        for (int i = 0; i < arms.Count; i++)
        {
            rest[i] = customers[i];
            for (int j = 0; j < values.Count; j++)
            {
                rest[i] -= counts[i, j];
            }
        }
        bool other = rest.Any(r => r > 0);
        var cells = new long[arms.Count, values.Count + (other ? 1 : 0)];
        for (int i = 0; i < arms.Count; i++)
        {
            for (int j = 0; j < values.Count; j++)
            {
                cells[i, j] = counts[i, j];
            }
            if (other)
            {
                cells[i, values.Count] = Math.Max(0, rest[i]);
            }
        }
        return new(values, cells, other);
    }

    private static long[,] ToRow(long[] counts)
    {
        var row = new long[1, counts.Length];
        for (int j = 0; j < counts.Length; j++)
        {
            row[0, j] = counts[j];
        }
        return row;
    }

    /// <summary>The list as a one-row table: a hidden arm is hidden as a cell and as its column total (the same number).</summary>
    private static CellStatus?[,] ListMask(bool[] armHidden)
    {
        int arms = armHidden.Length - 1;
        var mask = new CellStatus?[2, arms + 1];
        for (int a = 0; a <= arms; a++)
        {
            mask[0, a] = mask[1, a] = armHidden[a] ? CellStatus.Primary : null;
        }
        return mask;
    }

    /// <summary>A breakdown table's pins: the hidden arms' row totals and, when hidden, the grand total; zeros of "no value" as known.</summary>
    private static CellStatus?[,] TableMask(Table table, bool[] armHidden)
    {
        int rows = table.Cells.GetLength(0), columns = table.Cells.GetLength(1);
        var mask = new CellStatus?[rows + 1, columns + 1];
        for (int a = 0; a <= rows; a++)
        {
            mask[a, columns] = armHidden[a] ? CellStatus.Primary : null;
            if (table.Other && a < rows && table.Cells[a, columns - 1] == 0)
            {
                mask[a, columns - 1] = CellStatus.Released;
            }
        }
        return mask;
    }
}

/// <summary>What a release hides: arms (by name) and breakdown cells (breakdown 0 segment, 1 surface, 2 market; arm; value).</summary>
/// <param name="Arms">The arms whose totals are suppressed.</param>
/// <param name="Cells">The suppressed (breakdown, arm, value) cells.</param>
internal sealed record HiddenCells(IReadOnlySet<string> Arms, IReadOnlySet<(int Breakdown, string Arm, string Value)> Cells)
{
    /// <summary>Whether the contrast row describes a suppressed cell: its arms' totals overall, their cells in a breakdown.</summary>
    public bool Hides(HoldoutContrast c)
    {
        var (breakdown, value) = c.Segment is { } s ? (0, s) : c.Surface is { } f ? (1, f) : c.Market is { } m ? (2, m) : (-1, "");
        return breakdown < 0
            ? Arms.Contains(c.Treatment) || Arms.Contains(c.Control)
            : Cells.Contains((breakdown, c.Treatment, value)) || Cells.Contains((breakdown, c.Control, value));
    }
}
