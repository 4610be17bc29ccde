namespace LiftPipeline.Statistics.Guardrails;

/// <summary>How <see cref="SpikeDetector"/> builds each unit's seasonal baseline and when it calls a cell a spike.</summary>
public sealed record SpikeDetectorOptions
{
    /// <summary>Periods per season: 7 for daily data (same-weekday baseline), 1 for yearly or other non-weekly data. Default 7.</summary>
    public int SeasonLength { get; init; } = 7;

    /// <summary>Past seasons whose same-position values the baseline is the median of. Default 4 (the previous 4 same weekdays).</summary>
    public int SeasonsInBaseline { get; init; } = 4;

    /// <summary>A cell is a spike when its two-sided tail probability is below this. Default 0.001.</summary>
    public double Threshold { get; init; } = 0.001;

    /// <summary>
    /// Scored periods (after the <see cref="SeasonLength"/> × <see cref="SeasonsInBaseline"/> periods the first baseline
    /// needs) a unit must have to be scored; fewer and it is skipped with a reason. Default 14.
    /// </summary>
    public int MinScoredPeriods { get; init; } = 14;

    /// <summary>Width of the histogram buckets of the pooled standardised residuals, in robust SDs. Default 0.1.</summary>
    public double BucketWidth { get; init; } = 0.1;

    /// <summary>Share of the pooled residuals in each generalised-Pareto tail (the body is the rest). Default 0.05.</summary>
    public double TailShare { get; init; } = 0.05;
}
