namespace LiftPipeline.Statistics.Experiments.Contrasts;

/// <summary>
/// Adjusted p-values for a family of tests (arms × metrics × segments): Holm's step-down (family-wise error) and
/// Benjamini–Hochberg's step-up (false discovery rate). The i-th adjusted value belongs to the i-th input p-value;
/// reject where adjusted &lt; α. Pure and thread-safe.
/// </summary>
public static class MultipleTesting
{
    /// <summary>
    /// Holm (1979, Scand. J. Statist. 6:65–70): with p sorted ascending, p̃_(i) = max_{j≤i} min(1, (m − j + 1)·p_(j)).
    /// </summary>
    /// <exception cref="ArgumentException">A p-value outside [0, 1] or NaN.</exception>
    public static double[] Holm(ReadOnlySpan<double> p)
    {
        int[] order = Ascending(p);
        int m = p.Length;
        var adjusted = new double[m];
        double running = 0;
        for (int j = 0; j < m; j++)
        {
            running = Math.Max(running, Math.Min(1, (m - j) * p[order[j]]));
            adjusted[order[j]] = running;
        }
        return adjusted;
    }

    /// <summary>
    /// Benjamini and Hochberg (1995, JRSS B 57:289–300): with p sorted ascending, p̃_(i) = min_{j≥i} min(1, m·p_(j)/j).
    /// </summary>
    /// <exception cref="ArgumentException">A p-value outside [0, 1] or NaN.</exception>
    public static double[] BenjaminiHochberg(ReadOnlySpan<double> p)
    {
        int[] order = Ascending(p);
        int m = p.Length;
        var adjusted = new double[m];
        double running = 1;
        for (int j = m - 1; j >= 0; j--)
        {
            running = Math.Min(running, Math.Min(1, m * p[order[j]] / (j + 1)));
            adjusted[order[j]] = running;
        }
        return adjusted;
    }

    private static int[] Ascending(ReadOnlySpan<double> p)
    {
        var keys = new double[p.Length];
        var order = new int[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            if (!(p[i] >= 0 && p[i] <= 1))
            {
                throw new ArgumentException($"p-value {i} is {p[i]}; every p-value must lie in [0, 1].", nameof(p));
            }
            keys[i] = p[i];
            order[i] = i;
        }
        Array.Sort(keys, order);
        return order;
    }
}
