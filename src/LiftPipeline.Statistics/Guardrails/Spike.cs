namespace LiftPipeline.Statistics.Guardrails;

/// <summary>One cell of a unit's series the tail model does not explain.</summary>
/// <param name="Unit">The unit's index in the panel.</param>
/// <param name="Period">The period's index in the panel.</param>
/// <param name="Value">The observed value.</param>
/// <param name="Baseline">The seasonal baseline it was scored against (median of the same position in past seasons).</param>
/// <param name="Probability">The two-sided tail probability of its standardised residual.</param>
public readonly record struct Spike(int Unit, int Period, double Value, double Baseline, double Probability);
