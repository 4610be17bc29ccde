namespace LiftPipeline.Statistics.Measurement;

/// <summary>How a family of tests is adjusted for multiplicity.</summary>
public enum MultipleTestingAdjustment
{
    /// <summary>Holm's step-down method: controls the family-wise error rate.</summary>
    Holm,

    /// <summary>Benjamini–Hochberg: controls the false discovery rate.</summary>
    BenjaminiHochberg,
}

/// <summary>One comparison of two arms: <paramref name="Treatment"/> against <paramref name="Control"/>.</summary>
public sealed record ArmContrast(string Treatment, string Control);

/// <summary>A ratio metric: Σ numerator ÷ Σ denominator per arm (e.g. revenue per order), compared by the delta method.</summary>
public sealed record RatioMetric(string Name, string Numerator, string Denominator);

/// <summary>
/// The settings of a customer-level holdout campaign (<c>holdout</c> in campaign.json). Every arm is compared with
/// <see cref="Control"/>, plus the extra <see cref="Contrasts"/> (such as <c>vbo_1p</c> vs <c>vbo</c>).
/// </summary>
public sealed record HoldoutSettings
{
    /// <summary>The arm that received no treatment. Default <c>holdout</c>.</summary>
    public string Control { get; init; } = "holdout";

    /// <summary>Planned share of customers per arm (summing to 1), for the sample-ratio check; null: equal shares.</summary>
    public IReadOnlyDictionary<string, double>? Allocation { get; init; }

    /// <summary>Comparisons beyond every arm against <see cref="Control"/>.</summary>
    public IReadOnlyList<ArmContrast> Contrasts { get; init; } = [];

    /// <summary>The outcome counted as conversions (cost per incremental conversion); default <c>conversions</c> when measured.</summary>
    public string? ConversionMetric { get; init; }

    /// <summary>The outcome counted as revenue (iROAS); default <c>revenue</c> when measured.</summary>
    public string? RevenueMetric { get; init; }

    /// <summary>Ratio metrics to compare.</summary>
    public IReadOnlyList<RatioMetric> Ratios { get; init; } = [];

    /// <summary>Winsorise each outcome at this upper quantile of the pooled data (and 1 − it below); null: no capping.</summary>
    public double? CapQuantile { get; init; }

    /// <summary>Adjustment of the per-segment, per-surface and per-market p-values. Default Holm.</summary>
    public MultipleTestingAdjustment Adjustment { get; init; } = MultipleTestingAdjustment.Holm;

    /// <summary>N*, the sample size at which the always-valid interval is tightest. Default 10,000.</summary>
    public int SequentialTuningN { get; init; } = 10_000;

    /// <summary>Media spend per arm when the export has no spend column; null: from the export.</summary>
    public IReadOnlyDictionary<string, double>? Spend { get; init; }
}
