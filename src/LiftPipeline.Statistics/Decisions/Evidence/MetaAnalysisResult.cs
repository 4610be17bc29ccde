namespace LiftPipeline.Statistics.Decisions.Evidence;

/// <summary>
/// A pooled estimate across k studies with every number behind it. Self-describing: it carries the options used and
/// the interval method they resolved to.
/// </summary>
/// <param name="Studies">k, the number of studies pooled.</param>
/// <param name="IntervalMethod">Normal, Hartung–Knapp or its modification, as resolved by <see cref="MetaAnalysisOptions.IntervalFor"/>.</param>
/// <param name="Tau2">The between-study variance τ̂²; NaN when k = 1 (not estimable; the study's own variance is used).</param>
/// <param name="Estimate">The pooled effect μ̂ = Σw*_i y_i / Σw*_i, w*_i = 1/(v_i + τ̂²).</param>
/// <param name="StandardError">SE of μ̂: 1/√Σw* (normal), √(q/Σw*) (Hartung–Knapp) or √(max(1, q)/Σw*) (modified).</param>
/// <param name="Lower">Lower end of the 1 − α interval.</param>
/// <param name="Upper">Upper end of the 1 − α interval.</param>
/// <param name="PValue">Two-sided p-value of μ = 0.</param>
/// <param name="DegreesOfFreedom">k − 1 for (modified) Hartung–Knapp's t; +∞ for the normal reference.</param>
/// <param name="Heterogeneity">Cochran's Q test and the fixed-effect (inverse-variance) estimate.</param>
/// <param name="I2">I², the share of total variability due to heterogeneity (0–1); NaN when k = 1.</param>
/// <param name="H2">H², total over sampling variability (≥ 1); NaN when k = 1.</param>
/// <param name="PredictionLower">Lower end of the 1 − α prediction interval for a new study's true effect; NaN when k &lt; 3.</param>
/// <param name="PredictionUpper">Upper end of the prediction interval; NaN when k &lt; 3.</param>
/// <param name="Weights">Each study's share of the random-effects weight, w*_i/Σw*, in input order.</param>
/// <param name="Options">The options used.</param>
public sealed record MetaAnalysisResult(
    int Studies,
    PooledIntervalMethod IntervalMethod,
    double Tau2,
    double Estimate,
    double StandardError,
    double Lower,
    double Upper,
    double PValue,
    double DegreesOfFreedom,
    HeterogeneityTest Heterogeneity,
    double I2,
    double H2,
    double PredictionLower,
    double PredictionUpper,
    IReadOnlyList<double> Weights,
    MetaAnalysisOptions Options)
{
    /// <summary>τ̂, the standard deviation of the true effects.</summary>
    public double Tau => Math.Sqrt(Tau2);

    /// <summary>True when the pooled effect's p-value is below α (the interval excludes 0).</summary>
    public bool IsSignificant => PValue < Options.Alpha;
}
