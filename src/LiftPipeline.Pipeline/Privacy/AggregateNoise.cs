using LiftPipeline.Statistics.Decisions.Privacy;

namespace LiftPipeline.Pipeline.Privacy;

/// <summary>The noise a differentially private aggregate release adds (<c>privacy.noise.mechanism</c>).</summary>
public enum NoiseKind
{
    /// <summary>Gaussian noise with the analytic calibration from (ε, δ) (<see cref="GaussianMechanism.Analytic"/>).</summary>
    Gaussian,

    /// <summary>Laplace noise with scale Δ/ε (<see cref="LaplaceMechanism"/>).</summary>
    Laplace,
}

/// <summary>
/// <c>privacy.noise</c>: how the aggregate table (<see cref="AggregateRelease"/>) is released with noise. Every released
/// table (one breakdown × one quantity) gets its own draw at <see cref="Epsilon"/> (and <see cref="Delta"/> for Gaussian
/// noise); each metric is clipped to [0, bound] first so one customer changes a sum by at most the bound. Immutable.
/// </summary>
/// <param name="Mechanism">Gaussian (default) or Laplace.</param>
/// <param name="Epsilon">The privacy loss ε of each released table, &gt; 0.</param>
/// <param name="Delta">δ of each Gaussian table (default 1e-6); unused for Laplace.</param>
/// <param name="Bounds">Metric → its public upper clipping bound ≥ 0; one for every metric of the campaign.</param>
/// <param name="BudgetRho">The campaign's privacy budget as zCDP ρ.</param>
/// <param name="BudgetDelta">The δ at which the budget's ε is reported.</param>
public sealed record AggregateNoise(NoiseKind Mechanism, double Epsilon, double Delta, IReadOnlyDictionary<string, double> Bounds, double BudgetRho, double BudgetDelta)
{
    /// <summary>The default δ of a Gaussian table.</summary>
    public const double DefaultDelta = 1e-6;

    /// <summary>The mechanism of one table whose value one customer changes by at most <paramref name="sensitivity"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A sensitivity not finite and positive.</exception>
    public NoiseMechanism For(double sensitivity) => Mechanism == NoiseKind.Laplace
        ? new LaplaceMechanism(sensitivity, Epsilon)
        : GaussianMechanism.Analytic(sensitivity, Epsilon, Delta);

    /// <summary>
    /// ρ of one table: the same for every sensitivity, because σ (or b) scales with Δ (Laplace ε²/2, Gaussian Δ²/(2σ²)).
    /// </summary>
    public double RhoPerTable => For(1).Rho;

    /// <summary>The mechanism's name as campaign.json spells it.</summary>
    public string MechanismName => Mechanism == NoiseKind.Laplace ? "laplace" : "gaussian";
}
