using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// Conformal inference for panel counterfactuals (Chernozhukov, Wüthrich and Zhu 2021, JASA): for a null effect θ
/// on every treated post cell, subtract θ from the treated post outcomes, refit the estimate's own estimator on all
/// T periods (one generic refit for every estimator, docs/variance.md), and compare the
/// post-period residual statistic S = (1/√T1)(Σ_post |û_t|^q)^{1/q} with its values under permutations of time:
/// the T cyclic shifts (<c>conformal</c>, exact under stationarity and weak dependence) or random permutations
/// (<c>conformal-iid</c>, exact under exchangeable residuals). The p-value is p(0); the interval is
/// {θ : p(θ) &gt; 1 − level}, found on a grid refined by bisection; the standard error is NaN.
/// Valid with a single treated unit. The moving-block p-value is a multiple of 1/T, so a 95% interval needs T ≥ 20;
/// it warns when the permutation statistics take fewer than <see cref="Uncertainty.MinimumDistinctReplications"/> distinct
/// values (a short panel) or the interval is unbounded.
/// Immutable and thread-safe.
/// </summary>
public sealed class ConformalInference : IVarianceEstimator
{
    private readonly VarianceOptions _options;

    /// <summary>Conformal inference with the given permutations, options and statistic exponent q (default 1, robust to heavy tails).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="q"/> is below 1.</exception>
    public ConformalInference(ConformalPermutation permutation = ConformalPermutation.MovingBlock, VarianceOptions? options = null, double q = 1)
    {
        if (!(q >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "The statistic's exponent q must be at least 1.");
        }
        Permutation = permutation;
        Q = q;
        _options = options ?? new VarianceOptions();
    }

    /// <inheritdoc />
    public string Name => Permutation == ConformalPermutation.MovingBlock ? "conformal" : "conformal-iid";

    /// <summary>How time is permuted.</summary>
    public ConformalPermutation Permutation { get; }

    /// <summary>Exponent q of the test statistic.</summary>
    public double Q { get; }

    /// <summary>p-value of the null "the effect on every treated post cell is <paramref name="theta"/>".</summary>
    public double PValue(PanelEstimate estimate, double theta) => Test(estimate).PValue(theta);

    /// <inheritdoc />
    public Uncertainty Estimate(PanelEstimate estimate, CancellationToken cancellationToken = default)
    {
        var test = Test(estimate);
        double alpha = 1 - _options.Level;
        var (observed, permuted) = test.Statistics(0);
        double p = test.PValue(observed, permuted);
        var (low, high) = TestInversion.Invert(test.PValue, estimate.Att, Step(test, estimate), alpha, cancellationToken);
        // The p-values rest on the distinct values of the permutation statistic (at most T for the cyclic shifts), counted at θ = 0.
        int distinct = Uncertainty.CountDistinct([observed, .. permuted]);
        return new Uncertainty(Name, double.NaN, low, high, p, test.Permutations).WithDistinctReplications(distinct);
    }

    private ConformalPermutationTest Test(PanelEstimate estimate) =>
        new(estimate.Replicator, estimate.Data, Permutation, Q, _options.Replications, _options.Seed);

    /// <summary>Grid step: the residual scale at θ = τ̂ divided by 2√T1, the order of the interval's half-width over a few steps.</summary>
    private static double Step(ConformalPermutationTest test, PanelEstimate estimate)
    {
        var u = test.Residuals(estimate.Att);
        double sum = 0;
        foreach (double v in u)
        {
            sum += v * v;
        }
        double rms = Math.Sqrt(sum / u.Length);
        double step = rms / (2 * Math.Sqrt(estimate.Data.T1));
        return step > 0 ? step : 1e-3 * Math.Max(1, Math.Abs(estimate.Att));
    }
}
