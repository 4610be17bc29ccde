using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Inference;

/// <summary>Sub-panels of a block panel by rows and columns, for placebo designs that move the treated window in time.</summary>
internal static class PanelSlices
{
    /// <summary>0, 1, …, count − 1 shifted by <paramref name="start"/>.</summary>
    public static int[] Range(int start, int count)
    {
        var values = new int[count];
        for (int k = 0; k < count; k++)
        {
            values[k] = start + k;
        }
        return values;
    }

    /// <summary>
    /// The block panel of the given rows (the first <paramref name="n0"/> become controls) and columns (the first
    /// <paramref name="t0"/> become pre periods), in the order given.
    /// </summary>
    public static BlockPanel Select(BlockPanel data, int[] rows, int n0, int[] columns, int t0)
    {
        int T = columns.Length;
        var y = new double[rows.Length * T];
        for (int k = 0; k < rows.Length; k++)
        {
            var row = data.Row(rows[k]);
            for (int c = 0; c < T; c++)
            {
                y[k * T + c] = row[columns[c]];
            }
        }
        var units = new string[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            units[k] = data.Units[rows[k]];
        }
        var periods = new Panels.Period[T];
        for (int c = 0; c < T; c++)
        {
            periods[c] = data.Periods[columns[c]];
        }
        return new BlockPanel(y, n0, rows.Length - n0, t0, T - t0, units, periods);
    }
}
