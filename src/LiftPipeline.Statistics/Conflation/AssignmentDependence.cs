using MathNet.Numerics;

namespace LiftPipeline.Statistics.Conflation;

/// <summary>
/// Pearson's χ² test of independence on an arm × arm table of shared customers: with independent salts a customer's arm
/// in one test says nothing of their arm in the other. Rows and columns with no customers are left out of the test.
/// Immutable.
/// </summary>
/// <param name="ChiSquare">Σ (O − E)² / E with E = row total × column total / n.</param>
/// <param name="DegreesOfFreedom">(r − 1)(c − 1) over the non-empty rows r and columns c; 0 when there is nothing to test.</param>
/// <param name="PValue">P(χ²_df ≥ <paramref name="ChiSquare"/>); 1 when the degrees of freedom are 0.</param>
/// <param name="Alpha">The level the test was flagged at.</param>
public sealed record AssignmentDependence(double ChiSquare, int DegreesOfFreedom, double PValue, double Alpha)
{
    /// <summary>The level below which dependence is flagged unless told otherwise.</summary>
    public const double DefaultAlpha = 0.01;

    /// <summary>True when the arms of the two tests are not independent at <see cref="Alpha"/>.</summary>
    public bool Flagged => PValue < Alpha;

    /// <summary>Tests independence of rows and columns of <paramref name="table"/>.</summary>
    /// <exception cref="ArgumentException">A negative count or an alpha outside (0, 1).</exception>
    public static AssignmentDependence Test(long[,] table, double alpha = DefaultAlpha)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!(alpha > 0 && alpha < 1))
        {
            throw new ArgumentException($"alpha is {alpha}; give a level in (0, 1)", nameof(alpha));
        }
        int r = table.GetLength(0), c = table.GetLength(1);
        var rows = new double[r];
        var cols = new double[c];
        double n = 0;
        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < c; j++)
            {
                if (table[i, j] < 0)
                {
                    throw new ArgumentException($"cell ({i}, {j}) holds {table[i, j]} customers", nameof(table));
                }
                rows[i] += table[i, j];
                cols[j] += table[i, j];
                n += table[i, j];
            }
        }
        int df = (NonZero(rows) - 1) * (NonZero(cols) - 1);
        if (df <= 0)
        {
            return new AssignmentDependence(0, 0, 1, alpha);
        }
        double chi2 = 0;
        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < c; j++)
            {
                double expected = rows[i] * cols[j] / n;
                if (expected > 0)
                {
                    // Pearson (1900): X² = Σ (O − E)² / E, E_ij = R_i C_j / n, asymptotically χ² with (r − 1)(c − 1) df.
                    chi2 += (table[i, j] - expected) * (table[i, j] - expected) / expected;
                }
            }
        }
        // Upper tail Q(df/2, X²/2) rather than 1 − CDF, so small p-values keep their precision.
        return new AssignmentDependence(chi2, df, SpecialFunctions.GammaUpperRegularized(df / 2.0, chi2 / 2), alpha);
    }

    private static int NonZero(double[] totals)
    {
        int k = 0;
        foreach (double t in totals)
        {
            k += t > 0 ? 1 : 0;
        }
        return k;
    }
}
