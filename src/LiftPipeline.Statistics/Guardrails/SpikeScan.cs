namespace LiftPipeline.Statistics.Guardrails;

/// <summary>A unit <see cref="SpikeDetector"/> did not score, and why.</summary>
/// <param name="Unit">The unit's index in the panel.</param>
/// <param name="Reason">Why it was not scored, for an analyst.</param>
public readonly record struct SkippedUnit(int Unit, string Reason);

/// <summary>The outcome of a spike scan.</summary>
/// <param name="Spikes">Flagged cells, by unit then period.</param>
/// <param name="Skipped">Units not scored, with the reason.</param>
/// <param name="ScoredCells">Cells that got a probability.</param>
/// <param name="RobustScales">Each unit's robust SD of residuals (1.4826 × MAD); NaN for a skipped unit.</param>
public sealed record SpikeScan(IReadOnlyList<Spike> Spikes, IReadOnlyList<SkippedUnit> Skipped, int ScoredCells, IReadOnlyList<double> RobustScales);
