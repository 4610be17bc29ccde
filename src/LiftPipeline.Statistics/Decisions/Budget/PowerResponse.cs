namespace LiftPipeline.Statistics.Decisions.Budget;

/// <summary>
/// Incremental revenue as a power of spend, r(s) = a·s^b with b in (0, 1]: b = 1 is a constant iROAS a, b &lt; 1 is
/// diminishing returns. Tied to a measurement by matching the average return at the measured spend s₀:
/// r(s₀)/s₀ = iROAS, so a = iROAS·s₀^(1−b) and the marginal return r'(s) = b·iROAS·(s/s₀)^(b−1). Immutable.
/// </summary>
/// <param name="A">a, the scale.</param>
/// <param name="B">b, the elasticity of revenue to spend.</param>
public readonly record struct PowerResponse(double A, double B)
{
    /// <summary>The response whose average return at <paramref name="spend"/> is <paramref name="iroas"/>.</summary>
    public static PowerResponse FromIroas(double iroas, double spend, double elasticity) =>
        new(iroas * Math.Pow(spend, 1 - elasticity), elasticity);

    /// <summary>Incremental revenue r(s) = a·s^b.</summary>
    public double Revenue(double spend) => A * Math.Pow(spend, B);

    /// <summary>Marginal return r'(s) = a·b·s^(b−1).</summary>
    public double Marginal(double spend) => A * B * Math.Pow(spend, B - 1);

    /// <summary>The spend at which the marginal return is λ &gt; 0: s = (a·b/λ)^(1/(1−b)); b &lt; 1 and a &gt; 0 only.</summary>
    public double SpendAtMarginal(double lambda) => Math.Pow(A * B / lambda, 1 / (1 - B));
}
