namespace LiftPipeline.Statistics.Experiments;

/// <summary>How the streaming builder (Ingestion) reduces an export.</summary>
public sealed record ExperimentStatisticsOptions
{
    /// <summary>Row groups reduced at once. Default: the processor count; 1 reads serially.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Per-outcome caps (winsorising): each outcome named here is clipped to [Lower, Upper] before anything is accumulated —
    /// moments, cross products and sketches. Default (null): no capping. See <see cref="CappingPlan"/>.
    /// </summary>
    public IReadOnlyDictionary<string, OutcomeCap>? Caps { get; init; }

    /// <summary>Relative accuracy α of the per-(arm, outcome) quantile sketches. Default 0.01.</summary>
    public double SketchRelativeAccuracy { get; init; } = 0.01;

    /// <summary>The row groups to reduce. Default (null): all of them.</summary>
    public RowGroupRange? RowGroups { get; init; }

    /// <summary>Told after each row group. Default: none.</summary>
    public IProgress<ExperimentStatisticsProgress>? Progress { get; init; }
}

/// <summary>Clip an outcome to [<see cref="Lower"/>, <see cref="Upper"/>].</summary>
public readonly record struct OutcomeCap(double Lower, double Upper)
{
    /// <summary>The value clipped to the cap.</summary>
    public double Apply(double value) => Math.Min(Math.Max(value, Lower), Upper);
}

/// <summary>Progress of a pass: row groups and rows reduced so far.</summary>
public readonly record struct ExperimentStatisticsProgress(int RowGroupsDone, int RowGroupCount, long RowsDone);
