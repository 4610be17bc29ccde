namespace LiftPipeline.Statistics.Inference;

/// <summary>The variance estimators by command-line name.</summary>
public static class VarianceEstimators
{
    /// <summary>Every name <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["placebo", "jackknife", "bootstrap", "conformal", "conformal-iid", "jackknife+", "conditional", "time-placebo"];

    /// <summary>The variance estimator called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No variance estimator has that name.</exception>
    public static IVarianceEstimator Create(string name, VarianceOptions? options = null)
    {
        options ??= new VarianceOptions();
        return name.ToLowerInvariant() switch
        {
            "conformal" => new ConformalInference(ConformalPermutation.MovingBlock, options),
            "conformal-iid" => new ConformalInference(ConformalPermutation.Iid, options),
            "jackknife+" => new JackknifePlusVariance(options),
            "conditional" => new ConditionalVariance(options),
            "time-placebo" => new TimePlaceboVariance(options),
            "placebo" => new PlaceboVariance(options),
            "jackknife" => new JackknifeVariance(options),
            "bootstrap" => new BootstrapVariance(options),
            _ => throw new ArgumentException($"Unknown variance method '{name}'; expected one of {string.Join(", ", Names)}."),
        };
    }
}
