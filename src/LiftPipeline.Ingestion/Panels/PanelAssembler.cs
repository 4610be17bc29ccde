using System.Globalization;
using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Ingestion.Panels;

/// <summary>
/// Turns validated rows into a balanced <see cref="Panel"/> and checks the panel's structure:
/// one row per (unit, period), no missing cells, treatment that does not switch off, one arm per unit,
/// at least one never-treated unit, and a pre-period before any treatment.
/// </summary>
internal sealed class PanelAssembler(string file, PanelLayout layout, PanelRows rows, PanelExportOptions options)
{
    private readonly ExportErrorCollector _errors = new(file);

    public Panel Assemble()
    {
        var (periods, periodIndex) = SortedPeriods();
        var (units, unitIndex) = SortedUnits();
        int n = units.Length, t = periods.Length;
        // A balanced panel has a row per cell. Far more cells than rows (each row its own unit and period) would size the
        // cell index beyond the file's own memory, or beyond an array: report the missing cells without it, with no examples.
        long cells = (long)n * t;
        if (cells > rows.Count && (cells > int.MaxValue || cells > 4L * rows.Count))
        {
            _errors.Add(ExportErrorCodes.MissingCell, layout.Period.Name, string.Create(CultureInfo.InvariantCulture,
                $"{rows.Count:N0} rows for {n:N0} units × {t:N0} periods ({cells:N0} cells); the panel must be balanced, one row per unit and period"));
            _errors.ThrowIfAny();
        }
        var cellRow = new int[n * t];
        Array.Fill(cellRow, -1);
        string? duplicate = null;
        bool[]? reported = null;
        for (int row = 0; row < rows.Count; row++)
        {
            int cell = unitIndex[rows.Units[row]] * t + periodIndex[rows.Periods[row]];
            if (cellRow[cell] >= 0)
            {
                duplicate ??= $"(unit, period) rows repeat, e.g. unit '{units[cell / t]}' in period {periods[cell % t]}";
                // The cell's first row counts once, however often it repeats.
                reported ??= new bool[cellRow.Length];
                if (!reported[cell])
                {
                    reported[cell] = true;
                    _errors.Add(ExportErrorCodes.DuplicateCell, layout.Period.Name, duplicate, cellRow[cell]);
                }
                _errors.Add(ExportErrorCodes.DuplicateCell, layout.Period.Name, duplicate, row);
                continue;
            }
            cellRow[cell] = row;
        }
        ReportMissingCells(cellRow, units, periods);
        _errors.ThrowIfAny();

        var treated = new bool[n * t];
        for (int cell = 0; cell < treated.Length; cell++)
        {
            treated[cell] = rows.Treated[cellRow[cell]] == 1;
        }
        var arms = UnitArms(cellRow, n, t);
        CheckTreatment(treated, cellRow, units, n, t);
        _errors.ThrowIfAny();

        var metrics = new PanelMatrix[layout.Metrics.Count];
        for (int m = 0; m < metrics.Length; m++)
        {
            metrics[m] = Matrix(layout.Metrics[m].Name, rows.Metrics[m], cellRow, n, t);
        }
        var spend = layout.Spend is null ? null : Matrix(ContractColumns.Spend, rows.Spend, cellRow, n, t);
        return new Panel(units, periods, metrics, treated, arms, spend);
    }

    private static PanelMatrix Matrix(string name, double[] source, int[] cellRow, int n, int t)
    {
        var values = new double[n * t];
        for (int cell = 0; cell < values.Length; cell++)
        {
            values[cell] = source[cellRow[cell]];
        }
        return new PanelMatrix(name, n, t, values);
    }

    private (Period[] Periods, Dictionary<long, int> Index) SortedPeriods()
    {
        var kind = ColumnDecoders.PeriodKindOf(layout.Period.Type)!.Value;
        var distinct = new SortedSet<long>(rows.Periods);
        var periods = distinct.Select(v => new Period(kind, v)).ToArray();
        if (kind == PeriodKind.Timestamp && periods.All(p => p.IsMidnight))
        {
            // Writers such as pandas store calendar days as midnight timestamps; they are dates.
            periods = periods.Select(p => p.AsDate()).ToArray();
        }
        var index = new Dictionary<long, int>(periods.Length);
        int i = 0;
        foreach (long value in distinct)
        {
            index[value] = i++;
        }
        return (periods, index);
    }

    private (string[] Units, int[] IndexOfCode) SortedUnits()
    {
        var names = rows.UnitNames.Names;
        var order = Enumerable.Range(0, names.Count).OrderBy(c => names[c], StringComparer.Ordinal).ToArray();
        var indexOfCode = new int[names.Count];
        for (int i = 0; i < order.Length; i++)
        {
            indexOfCode[order[i]] = i;
        }
        return (order.Select(c => names[c]).ToArray(), indexOfCode);
    }

    private void ReportMissingCells(int[] cellRow, string[] units, Period[] periods)
    {
        int t = periods.Length;
        var examples = new List<string>();
        int missing = 0;
        for (int cell = 0; cell < cellRow.Length; cell++)
        {
            if (cellRow[cell] < 0)
            {
                missing++;
                if (examples.Count < ExportError.MaxRows)
                {
                    examples.Add($"'{units[cell / t]}' in {periods[cell % t]}");
                }
            }
        }
        if (missing > 0)
        {
            _errors.Add(ExportErrorCodes.MissingCell, layout.Period.Name,
                $"{missing} of {cellRow.Length} (unit, period) cells have no row, e.g. {string.Join(", ", examples)}; the panel must be balanced");
        }
    }

    private string?[]? UnitArms(int[] cellRow, int n, int t)
    {
        if (layout.Arm is null)
        {
            return null;
        }
        var arms = new string?[n];
        var names = rows.ArmNames.Names;
        for (int u = 0; u < n; u++)
        {
            int first = rows.Arms[cellRow[u * t]];
            for (int p = 1; p < t; p++)
            {
                int row = cellRow[u * t + p];
                if (rows.Arms[row] != first)
                {
                    _errors.Add(ExportErrorCodes.ArmChanges, layout.Arm.Name, "a unit's arm changes between periods; each unit belongs to one arm", row);
                }
            }
            arms[u] = first < 0 ? null : names[first];
        }
        return arms;
    }

    private void CheckTreatment(bool[] treated, int[] cellRow, string[] units, int n, int t)
    {
        int treatedUnits = 0;
        for (int u = 0; u < n; u++)
        {
            bool seen = false;
            for (int p = 0; p < t; p++)
            {
                bool w = treated[u * t + p];
                if (w && p == 0 && !options.Increment)
                {
                    _errors.Add(ExportErrorCodes.NoPrePeriod, layout.Treated.Name, "treatment starts in the first period, leaving no pre-period to learn from", cellRow[u * t]);
                }
                if (seen && !w && !options.AllowTreatmentReversal)
                {
                    _errors.Add(ExportErrorCodes.TreatmentSwitchesOff, layout.Treated.Name,
                        $"treatment switches off again (first for unit '{FirstSwitchOff(treated, units, n, t)}'); the estimators need a unit to stay treated once its treatment starts (switchback designs are not supported): drop the periods after the test ends", cellRow[u * t + p]);
                }
                seen |= w;
            }
            treatedUnits += seen ? 1 : 0;
        }
        if (treatedUnits == n && !options.Increment)
        {
            _errors.Add(ExportErrorCodes.NoControlUnits, layout.Treated.Name, $"all {n} units are treated at some point; at least one never-treated unit is needed as a control");
        }
    }

    private static string FirstSwitchOff(bool[] treated, string[] units, int n, int t)
    {
        for (int u = 0; u < n; u++)
        {
            for (int p = 1; p < t; p++)
            {
                if (treated[u * t + p - 1] && !treated[u * t + p])
                {
                    return units[u];
                }
            }
        }
        return "";
    }
}
