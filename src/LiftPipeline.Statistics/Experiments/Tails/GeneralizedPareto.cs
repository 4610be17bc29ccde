namespace LiftPipeline.Statistics.Experiments.Tails;

/// <summary>
/// The generalized Pareto distribution of an exceedance y ≥ 0 over a threshold, with shape (tail index) ξ and scale
/// σ &gt; 0: F(y) = 1 − (1 + ξy/σ)^(−1/ξ), and 1 − exp(−y/σ) at ξ = 0 (Coles 2001, §4.2). ξ &gt; 0 is a power-law
/// tail with finite moments of order below 1/ξ; ξ &lt; 0 has a finite end point −σ/ξ.
/// </summary>
/// <param name="Shape">ξ.</param>
/// <param name="Scale">σ.</param>
public readonly record struct GeneralizedPareto(double Shape, double Scale)
{
    // Below this |ξ| the ξ → 0 limit (exponential) is used, where (1 + ξz)^(−1/ξ) loses precision.
    private const double ExponentialLimit = 1e-9;

    /// <summary>P(Y &gt; y); 1 below 0, 0 beyond the end point when ξ &lt; 0.</summary>
    public double Survival(double y)
    {
        if (y <= 0)
        {
            return 1;
        }
        double z = y / Scale;
        if (Math.Abs(Shape) < ExponentialLimit)
        {
            return Math.Exp(-z);
        }
        double t = 1 + Shape * z;
        return t <= 0 ? 0 : Math.Exp(-Math.Log(t) / Shape); // Coles 2001, eq. 4.2
    }

    /// <summary>P(Y ≤ y).</summary>
    public double Cdf(double y) => 1 - Survival(y);

    /// <summary>log f(y): −log σ − (1 + 1/ξ) log(1 + ξy/σ); −∞ outside the support.</summary>
    public double LogDensity(double y)
    {
        if (y < 0)
        {
            return double.NegativeInfinity;
        }
        double z = y / Scale;
        if (Math.Abs(Shape) < ExponentialLimit)
        {
            return -Math.Log(Scale) - z;
        }
        double t = 1 + Shape * z;
        return t <= 0 ? double.NegativeInfinity : -Math.Log(Scale) - (1 + 1 / Shape) * Math.Log(t);
    }

    /// <summary>The p-quantile: σ((1 − p)^(−ξ) − 1)/ξ, and −σ log(1 − p) at ξ = 0.</summary>
    public double Quantile(double p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        return Math.Abs(Shape) < ExponentialLimit
            ? -Scale * Math.Log(1 - p)
            : Scale * (Math.Exp(-Shape * Math.Log(1 - p)) - 1) / Shape;
    }

    /// <summary>E[Y] = σ/(1 − ξ); +∞ when ξ ≥ 1.</summary>
    public double Mean => Shape < 1 ? Scale / (1 - Shape) : double.PositiveInfinity;

    /// <summary>A draw by inversion from a uniform u in (0, 1).</summary>
    public double FromUniform(double u) => Quantile(u);
}
