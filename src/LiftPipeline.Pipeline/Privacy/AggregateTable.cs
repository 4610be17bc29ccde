using LiftPipeline.Statistics.Decisions.Privacy;

namespace LiftPipeline.Pipeline.Privacy;

/// <summary>
/// The aggregate table of one run of a holdout campaign (<c>reports/{campaign}/{runId}/aggregates.json</c> and
/// <c>.csv</c>): per arm × cell the customers and, per metric, the sum and mean, exact or with noise
/// (<see cref="AggregateRelease"/>). Immutable.
/// </summary>
/// <param name="Campaign">Campaign id.</param>
/// <param name="RunId">The run that released it.</param>
/// <param name="MinimumCustomers">The small-cell minimum; no row below it is released.</param>
/// <param name="Noise">The noise settings; null when released exact.</param>
/// <param name="Level">The intervals' nominal coverage (e.g. 0.95).</param>
/// <param name="Metrics">The metric names, in the order each row lists them.</param>
/// <param name="Rows">The released rows: arm by arm, overall first, then segment, surface and market values.</param>
public sealed record AggregateTable(string Campaign, string RunId, long MinimumCustomers, AggregateNoise? Noise, double Level,
    IReadOnlyList<string> Metrics, IReadOnlyList<AggregateRow> Rows);

/// <summary>One released arm × cell.</summary>
/// <param name="Arm">The arm.</param>
/// <param name="Breakdown"><c>overall</c>, <c>segment</c>, <c>surface</c> or <c>market</c>.</param>
/// <param name="Value">The breakdown's value; null for <c>overall</c>.</param>
/// <param name="Customers">The customers (with noise: the noisy count, not rounded).</param>
/// <param name="CustomersNoiseStandardDeviation">The SD of the count's noise; 0 when exact.</param>
/// <param name="Metrics">Per metric, in <see cref="AggregateTable.Metrics"/> order.</param>
public sealed record AggregateRow(string Arm, string Breakdown, string? Value, double Customers, double CustomersNoiseStandardDeviation,
    IReadOnlyList<AggregateMetric> Metrics);

/// <summary>One metric of a released row.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="Sum">Σ of the metric (with noise: clipped to [0, bound], plus noise).</param>
/// <param name="SumNoiseStandardDeviation">The SD of the sum's noise; 0 when exact.</param>
/// <param name="Mean">The mean (noisy sum / noisy count) with its standard error and interval, the noise folded in.</param>
public sealed record AggregateMetric(string Metric, double Sum, double SumNoiseStandardDeviation, NoisyRelease Mean);
