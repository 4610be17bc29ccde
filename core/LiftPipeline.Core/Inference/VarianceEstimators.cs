namespace LiftPipeline.Core.Inference;

/// <summary>The variance estimators by command-line name.</summary>
public static class VarianceEstimators
{
    /// <summary>Every name <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["placebo", "jackknife", "bootstrap"];

    /// <summary>The variance estimator called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No variance estimator has that name.</exception>
    public static IVarianceEstimator Create(string name, VarianceOptions? options = null)
    {
        options ??= new VarianceOptions();
        return name.ToLowerInvariant() switch
        {
            "placebo" => new PlaceboVariance(options),
            "jackknife" => new JackknifeVariance(options),
            "bootstrap" => new BootstrapVariance(options),
            _ => throw new ArgumentException($"Unknown variance method '{name}'; expected one of {string.Join(", ", Names)}."),
        };
    }
}
