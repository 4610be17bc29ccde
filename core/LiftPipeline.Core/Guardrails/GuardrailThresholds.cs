namespace LiftPipeline.Core.Guardrails;

/// <summary>
/// Thresholds of the guardrail checks, as set under <c>guardrails</c> in campaign.json. Defaults: scaled L2 imbalance
/// 0.5, placebo-in-time α 0.05, no missing periods allowed, data late after 3 days.
/// </summary>
public sealed record GuardrailThresholds
{
    /// <summary>Pre-fit breaches above this scaled L2 imbalance and warns above 80% of it. Default 0.5.</summary>
    public double MaxScaledL2Imbalance { get; init; } = 0.5;

    /// <summary>Placebo-in-time breaches when the fake effect's p-value is below this. Default 0.05.</summary>
    public double PlaceboInTimeAlpha { get; init; } = 0.05;

    /// <summary>Missing periods (gaps in the period sequence) tolerated with a warning; more is a breach. Default 0.</summary>
    public int MaxMissingPeriods { get; init; }

    /// <summary>Days after the end of the last period before the data counts as late. Default 3.</summary>
    public int LateAfterDays { get; init; } = 3;
}
