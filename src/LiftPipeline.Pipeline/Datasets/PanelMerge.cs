using LiftPipeline.Ingestion;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>
/// Merges a newly arrived panel into a campaign's dataset: units and periods are the union, and every cell the newer
/// panel has replaces the older one (the later export for the same unit and period wins). The result must still be
/// balanced and carry the same metrics, and spend in both or neither.
/// </summary>
public static class PanelMerge
{
    /// <summary>The dataset after <paramref name="newer"/> (read from export <paramref name="file"/>) arrived on top of <paramref name="older"/> (null: none yet).</summary>
    /// <exception cref="ExportValidationException">The metrics differ or only one carries spend (missing-column), or the union would leave cells without a value (missing-cell).</exception>
    // Design checks (a pre-period, a control unit) wait for measurement: increments may arrive in any order.
    public static Panel Merge(Panel? older, Panel newer, string file)
    {
        if (older is null)
        {
            return newer;
        }
        if (!older.MetricNames.SequenceEqual(newer.MetricNames, StringComparer.Ordinal))
        {
            throw ExportValidationException.Single(file, ExportErrorCodes.MissingColumn,
                $"the export has metrics {string.Join(", ", newer.MetricNames)} but the campaign's dataset has {string.Join(", ", older.MetricNames)}");
        }
        if ((older.Spend is null) != (newer.Spend is null))
        {
            throw ExportValidationException.Single(file, ExportErrorCodes.MissingColumn, older.Spend is null
                ? $"the export has a {ContractColumns.Spend} column but the campaign's dataset has none"
                : $"the export has no {ContractColumns.Spend} column but the campaign's dataset has one");
        }
        var units = older.Units.Union(newer.Units, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var periods = older.Periods.Union(newer.Periods).Order().ToArray();
        int N = units.Length, T = periods.Length;
        // The spend matrix, when there is one, merges as one more column after the metrics.
        var values = older.MetricNames.Select(_ => new double[N * T]).Concat(older.Spend is null ? [] : [new double[N * T]]).ToArray();
        var present = new bool[N * T];
        var treated = new bool[N * T];
        var arms = older.Arms is null && newer.Arms is null ? null : new string?[N];
        Copy(older, units, periods, values, present, treated, arms);
        Copy(newer, units, periods, values, present, treated, arms);
        int missing = Array.IndexOf(present, false);
        if (missing >= 0)
        {
            throw ExportValidationException.Single(file, ExportErrorCodes.MissingCell,
                $"merged into the campaign's dataset it would leave unit '{units[missing / T]}' without a value in period {periods[missing % T]}; exports must add whole periods or whole units");
        }
        var metrics = older.MetricNames.Select((name, m) => new PanelMatrix(name, N, T, values[m])).ToArray();
        var spend = older.Spend is null ? null : new PanelMatrix(older.Spend.Name, N, T, values[^1]);
        return new Panel(units, periods, metrics, treated, arms, spend);
    }

    private static void Copy(Panel source, string[] units, Period[] periods, double[][] values, bool[] present, bool[] treated, string?[]? arms)
    {
        int T = periods.Length;
        var periodIndex = source.Periods.Select(p => Array.BinarySearch(periods, p)).ToArray();
        var matrices = source.MetricNames.Select(source.Metric).Concat(source.Spend is null ? [] : [source.Spend]).ToArray();
        for (int u = 0; u < source.Units.Count; u++)
        {
            int row = Array.BinarySearch(units, source.Units[u], StringComparer.Ordinal);
            if (arms is not null && source.Arms is not null)
            {
                arms[row] = source.Arms[u];
            }
            for (int t = 0; t < source.Periods.Count; t++)
            {
                int cell = row * T + periodIndex[t];
                present[cell] = true;
                treated[cell] = source.IsTreated(u, t);
                for (int m = 0; m < values.Length; m++)
                {
                    values[m][cell] = matrices[m][u, t];
                }
            }
        }
    }
}
