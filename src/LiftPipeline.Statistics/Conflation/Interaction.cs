using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Conflation;

/// <summary>
/// The interaction of two tests on one metric over their shared customers: the first test's effect among the second's
/// treated minus its effect among the second's controls, Δ = (ȳ_TT − ȳ_TC) − (ȳ_CT − ȳ_CC), where the first letter is
/// the arm in the first test. Δ ≠ 0 means each test's lift depends on the other being live. Immutable.
/// </summary>
/// <param name="Delta">Δ.</param>
/// <param name="StandardError">√(Σ s²/n) over the four cells.</param>
/// <param name="Z">Δ / SE.</param>
/// <param name="PValue">Two-sided normal p-value of <paramref name="Z"/>.</param>
public sealed record Interaction(double Delta, double StandardError, double Z, double PValue)
{
    /// <summary>The two-sided normal confidence interval Δ ± z_{1−α/2}·SE.</summary>
    public (double Lower, double Upper) ConfidenceInterval(double level = 0.95)
    {
        double q = Normal.InvCDF(0, 1, 0.5 + level / 2);
        return (Delta - q * StandardError, Delta + q * StandardError);
    }

    /// <summary>Estimates Δ from the four cells' summaries.</summary>
    /// <exception cref="ArgumentException">A cell with fewer than 2 customers, or no variance in any cell.</exception>
    public static Interaction Estimate(CellSummary tt, CellSummary tc, CellSummary ct, CellSummary cc)
    {
        if (tt.N < 2 || tc.N < 2 || ct.N < 2 || cc.N < 2)
        {
            throw new ArgumentException($"each cell needs 2 or more shared customers; cells TT/TC/CT/CC have {tt.N}/{tc.N}/{ct.N}/{cc.N}");
        }
        // Difference-in-differences of cell means of a 2×2 factorial; SE of independent means (Montgomery, Design and Analysis of Experiments, ch. 6).
        double delta = (tt.Mean - tc.Mean) - (ct.Mean - cc.Mean);
        double se = Math.Sqrt(tt.Variance / tt.N + tc.Variance / tc.N + ct.Variance / ct.N + cc.Variance / cc.N);
        if (!(se > 0))
        {
            throw new ArgumentException("every cell's outcome is constant; the interaction has no standard error");
        }
        double z = delta / se;
        return new Interaction(delta, se, z, 2 * Normal.CDF(0, 1, -Math.Abs(z)));
    }
}
