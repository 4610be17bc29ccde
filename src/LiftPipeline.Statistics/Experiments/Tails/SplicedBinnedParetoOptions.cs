namespace LiftPipeline.Statistics.Experiments.Tails;

/// <summary>Where <see cref="SplicedBinnedPareto.Fit"/> splices the tails onto the binned body.</summary>
public sealed record SplicedBinnedParetoOptions
{
    /// <summary>The upper tail starts at the bucket edge nearest above this quantile. Default 0.95.</summary>
    public double UpperQuantile { get; init; } = 0.95;

    /// <summary>The lower tail ends at the bucket edge nearest below this quantile; null (the default) for no lower tail.</summary>
    public double? LowerQuantile { get; init; }

    /// <summary>
    /// Optional exact values: when given, every value at or above the upper threshold must be among them (so their count
    /// there equals the histogram's), and the upper tail is fitted to them exactly instead of to the buckets.
    /// Default null.
    /// </summary>
    public IReadOnlyList<double>? UpperExceedances { get; init; }
}
