using MathNet.Numerics.Optimization;

namespace LiftPipeline.Statistics.Decisions.Privacy;

/// <summary>
/// Zero-concentrated differential privacy (zCDP, Bun and Steinke 2016, TCC): the Gaussian mechanism's cost, composition
/// and the conversion of ρ-zCDP to (ε, δ)-DP. Pure and thread-safe.
/// </summary>
public static class ZeroConcentratedPrivacy
{
    /// <summary>The Gaussian mechanism with sensitivity Δ and noise σ is ρ-zCDP with ρ = Δ²/(2σ²) (Bun and Steinke 2016, Proposition 1.6).</summary>
    public static double GaussianRho(double sensitivity, double sigma) => sensitivity * sensitivity / (2 * sigma * sigma);

    /// <summary>
    /// The tighter conversion (Canonne, Kamath and Steinke 2020, "The Discrete Gaussian for Differential Privacy", §2.3): ρ-zCDP implies (ε, δ)-DP with
    /// ε = inf_{α&gt;1} αρ + (ln(1/δ) + (α − 1) ln(1 − 1/α) − ln α)/(α − 1), floored at 0. This is the conversion the budget
    /// reports; it gives ε = 0.68800 for ρ = 0.03125, δ = 1e-3.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">ρ negative or not finite, δ outside (0, 1).</exception>
    public static double Epsilon(double rho, double delta)
    {
        Require(rho, delta);
        if (rho == 0)
        {
            return 0;
        }
        double log = Math.Log(1 / delta);
        // The bound is unimodal in x = ln(α − 1); golden-section search over α − 1 ∈ [e^-20, e^20].
        double Bound(double x)
        {
            double a = 1 + Math.Exp(x);
            return a * rho + (log + (a - 1) * Math.Log(1 - 1 / a) - Math.Log(a)) / (a - 1);
        }
        var minimum = GoldenSectionMinimizer.Minimum(ObjectiveFunction.ScalarValue(Bound), -20, 20, 1e-10, 1000);
        return Math.Max(0, minimum.FunctionInfoAtMinimum.Value);
    }

    /// <summary>
    /// The original conversion (Bun and Steinke 2016, Proposition 1.3): ε = ρ + 2√(ρ ln(1/δ)). Looser than
    /// <see cref="Epsilon"/> (0.96048 for ρ = 0.03125, δ = 1e-3).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">ρ negative or not finite, δ outside (0, 1).</exception>
    public static double EpsilonBunSteinke(double rho, double delta)
    {
        Require(rho, delta);
        return rho + 2 * Math.Sqrt(rho * Math.Log(1 / delta));
    }

    /// <summary>
    /// The largest ρ whose <see cref="Epsilon"/> at δ is at most ε: the zCDP budget that an (ε, δ) target allows, by
    /// bisection (ε(ρ) increases with ρ).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">ε not finite and positive, δ outside (0, 1).</exception>
    public static double RhoForEpsilon(double epsilon, double delta)
    {
        NoiseMechanism.RequirePositive(epsilon, nameof(epsilon));
        Require(0, delta);
        // Bracket by doubling from ρ = ε, then bisect.
        double low = 0, high = epsilon;
        while (Epsilon(high, delta) <= epsilon)
        {
            (low, high) = (high, 2 * high);
        }
        while (high - low > 1e-12 * high)
        {
            double middle = (low + high) / 2;
            if (Epsilon(middle, delta) <= epsilon)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    private static void Require(double rho, double delta)
    {
        if (!(rho >= 0 && double.IsFinite(rho)))
        {
            throw new ArgumentOutOfRangeException(nameof(rho), rho, "rho must be finite and not negative.");
        }
        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must lie strictly between 0 and 1 (e.g. 1e-5).");
        }
    }
}
