using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Decisions.Privacy;

/// <summary>
/// An additive noise mechanism for releasing an aggregate whose value one customer can change by at most the
/// sensitivity Δ. Immutable and thread-safe; every draw comes from the caller's seeded <see cref="Random"/>.
/// </summary>
public abstract record NoiseMechanism
{
    /// <summary>The variance of one noise draw, folded into the released interval.</summary>
    public abstract double NoiseVariance { get; }

    /// <summary>The zero-concentrated privacy cost ρ of one release, charged to a <see cref="PrivacyBudget"/>.</summary>
    public abstract double Rho { get; }

    /// <summary>One noise draw (mean 0).</summary>
    public abstract double SampleNoise(Random random);

    /// <summary>
    /// Releases an estimate with noise and its interval widened for the noise: estimate + noise ± z_{1−α/2}·√(SE² + noise
    /// variance). The normal quantile is exact for Gaussian noise and an approximation for Laplace noise.
    /// </summary>
    /// <param name="estimate">The estimate before noise.</param>
    /// <param name="standardError">Its sampling standard error (0 for an exact count).</param>
    /// <param name="random">The seeded source of the noise.</param>
    /// <param name="alpha">1 − coverage of the interval; default 0.05.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite standard error, or α outside (0, 1).</exception>
    public NoisyRelease Release(double estimate, double standardError, Random random, double alpha = 0.05)
    {
        ArgumentNullException.ThrowIfNull(random);
        return NoisyRelease.Widen(estimate + SampleNoise(random), standardError, NoiseVariance, alpha);
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and positive.</summary>
    internal static void RequirePositive(double value, string name)
    {
        if (!(value > 0 && double.IsFinite(value)))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite positive number.");
        }
    }
}

/// <summary>
/// The Laplace mechanism (Dwork, McSherry, Nissim and Smith 2006): noise Laplace(0, b) with b = Δ/ε is ε-differentially
/// private; its variance is 2b².
/// </summary>
public sealed record LaplaceMechanism : NoiseMechanism
{
    /// <summary>The mechanism for sensitivity Δ and privacy loss ε.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Δ or ε not finite and positive.</exception>
    public LaplaceMechanism(double sensitivity, double epsilon)
    {
        RequirePositive(sensitivity, nameof(sensitivity));
        RequirePositive(epsilon, nameof(epsilon));
        Sensitivity = sensitivity;
        Epsilon = epsilon;
    }

    /// <summary>The sensitivity Δ: how much one customer can change the released aggregate.</summary>
    public double Sensitivity { get; }

    /// <summary>The privacy loss ε of one release.</summary>
    public double Epsilon { get; }

    /// <summary>The Laplace scale b = Δ/ε.</summary>
    public double Scale => Sensitivity / Epsilon;

    /// <inheritdoc/>
    public override double NoiseVariance => 2 * Scale * Scale;

    /// <summary>ε-DP implies ε²/2-zCDP (Bun and Steinke 2016, Proposition 1.4).</summary>
    public override double Rho => Epsilon * Epsilon / 2;

    /// <inheritdoc/>
    public override double SampleNoise(Random random) => Laplace.Sample(random, 0, Scale);
}

/// <summary>
/// The Gaussian mechanism: noise N(0, σ²). Calibrate σ with <see cref="Classical"/> or <see cref="Analytic"/>, or give it
/// directly when the budget is kept in zCDP, where one release costs ρ = Δ²/(2σ²).
/// </summary>
public sealed record GaussianMechanism : NoiseMechanism
{
    /// <summary>The mechanism for sensitivity Δ (the L2 sensitivity) and noise standard deviation σ.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Δ or σ not finite and positive.</exception>
    public GaussianMechanism(double sensitivity, double sigma)
    {
        RequirePositive(sensitivity, nameof(sensitivity));
        RequirePositive(sigma, nameof(sigma));
        Sensitivity = sensitivity;
        Sigma = sigma;
    }

    /// <summary>The L2 sensitivity Δ.</summary>
    public double Sensitivity { get; }

    /// <summary>The noise standard deviation σ.</summary>
    public double Sigma { get; }

    /// <inheritdoc/>
    public override double NoiseVariance => Sigma * Sigma;

    /// <inheritdoc/>
    public override double Rho => ZeroConcentratedPrivacy.GaussianRho(Sensitivity, Sigma);

    /// <inheritdoc/>
    public override double SampleNoise(Random random) => Normal.Sample(random, 0, Sigma);

    /// <summary>
    /// The classical calibration σ = Δ·√(2 ln(1.25/δ))/ε (Dwork and Roth 2014, Theorem A.1), valid for ε &lt; 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Δ not positive, ε outside (0, 1), δ outside (0, 1).</exception>
    public static GaussianMechanism Classical(double sensitivity, double epsilon, double delta)
    {
        if (!(epsilon > 0 && epsilon <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "The classical Gaussian calibration holds for 0 < epsilon <= 1; use Analytic for larger epsilon.");
        }
        RequireProbability(delta);
        RequirePositive(sensitivity, nameof(sensitivity));
        return new(sensitivity, sensitivity * Math.Sqrt(2 * Math.Log(1.25 / delta)) / epsilon);
    }

    /// <summary>
    /// The analytic calibration (Balle and Wang 2018, Theorem 8): the smallest σ with
    /// Φ(Δ/2σ − εσ/Δ) − e^ε Φ(−Δ/2σ − εσ/Δ) ≤ δ, found by bisection to a relative 1e-12. Valid for every ε &gt; 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Δ or ε not positive, δ outside (0, 1).</exception>
    public static GaussianMechanism Analytic(double sensitivity, double epsilon, double delta)
    {
        RequirePositive(sensitivity, nameof(sensitivity));
        RequirePositive(epsilon, nameof(epsilon));
        RequireProbability(delta);
        // δ(σ) falls from 1 (σ → 0) to 0 (σ → ∞): bracket it by doubling, then bisect.
        double low = 0, high = sensitivity;
        while (AnalyticDelta(sensitivity, epsilon, high) > delta)
        {
            (low, high) = (high, 2 * high);
        }
        while (high - low > 1e-12 * high)
        {
            double middle = (low + high) / 2;
            if (AnalyticDelta(sensitivity, epsilon, middle) > delta)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }
        return new(sensitivity, high);
    }

    /// <summary>
    /// The exact δ of the Gaussian mechanism at ε (Balle and Wang 2018, Theorem 8):
    /// Φ(Δ/2σ − εσ/Δ) − e^ε Φ(−Δ/2σ − εσ/Δ).
    /// </summary>
    public static double AnalyticDelta(double sensitivity, double epsilon, double sigma)
    {
        double a = sensitivity / (2 * sigma), b = epsilon * sigma / sensitivity;
        double tail = Normal.CDF(0, 1, -a - b);
        // e^ε·Φ(·) in log space so a large ε does not overflow to ∞·0.
        return Normal.CDF(0, 1, a - b) - (tail == 0 ? 0 : Math.Exp(epsilon + Math.Log(tail)));
    }

    private static void RequireProbability(double delta)
    {
        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must lie strictly between 0 and 1 (e.g. 1e-5).");
        }
    }
}
