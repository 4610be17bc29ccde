using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Decisions.Budget;

/// <summary>
/// The recommendation under uncertainty: draw each option's iROAS from its posterior N(iROASᵢ, SEᵢ²) (flat prior),
/// count how often each is the best, and aim the budget at those shares, pᵢ·B — probability matching, the allocation
/// form of Thompson sampling (Thompson 1933, Biometrika 25:285–294; Scott 2010, Appl. Stoch. Models Bus. Ind. 26:639–658).
/// The target is then moved only as far as the per-period box allows: the closest allocation to it (least squares)
/// with Lᵢ ≤ sᵢ ≤ Uᵢ and Σ sᵢ = B. Draws reproduce from the seed. Pure and thread-safe.
/// </summary>
public static class ThompsonShares
{
    /// <summary>The method name on the recommendation.</summary>
    public const string Method = "thompson-shares";

    /// <summary>Recommends next period's spends.</summary>
    /// <exception cref="ArgumentException">No options, an invalid option or setting, or floors above the budget.</exception>
    public static BudgetRecommendation Recommend(IReadOnlyList<BudgetOption> options, ReallocationOptions? settings = null)
    {
        settings ??= ReallocationOptions.Default;
        var box = SpendBounds.For(options, settings);
        double[] best = ProbabilityBest(options, settings.Draws, settings.Seed);
        var target = new double[best.Length];
        for (int i = 0; i < target.Length; i++)
        {
            target[i] = best[i] * box.Budget;
        }
        return box.Recommend(Method, options, settings, box.Project(target), best);
    }

    /// <summary>
    /// The share of <paramref name="draws"/> posterior draws in which each option has the highest iROAS (ties share the
    /// draw). Converges to P(θᵢ = max θ); for two options P(θ₁ &gt; θ₂) = Φ((μ₁ − μ₂)/√(σ₁² + σ₂²)).
    /// </summary>
    /// <exception cref="ArgumentException">No options, an invalid option, or fewer than one draw.</exception>
    public static double[] ProbabilityBest(IReadOnlyList<BudgetOption> options, int draws, int seed)
    {
        if (options.Count == 0 || draws < 1)
        {
            throw new ArgumentException($"probability of being best needs options and draws; got {options.Count} options and {draws} draws.");
        }
        int n = options.Count;
        var mean = new double[n];
        var sd = new double[n];
        for (int i = 0; i < n; i++)
        {
            options[i].Validate();
            (mean[i], sd[i]) = (options[i].Iroas, options[i].StandardError);
        }
        var random = new Random(seed);
        var theta = new double[n];
        var wins = new double[n];
        for (int d = 0; d < draws; d++)
        {
            double max = double.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                theta[i] = sd[i] > 0 ? mean[i] + sd[i] * Normal.Sample(random, 0, 1) : mean[i];
                max = Math.Max(max, theta[i]);
            }
            int ties = 0;
            for (int i = 0; i < n; i++)
            {
                ties += theta[i] == max ? 1 : 0;
            }
            for (int i = 0; i < n; i++)
            {
                wins[i] += theta[i] == max ? 1.0 / ties : 0;
            }
        }
        for (int i = 0; i < n; i++)
        {
            wins[i] /= draws;
        }
        return wins;
    }
}
