namespace LiftPipeline.Statistics.Guardrails;

/// <summary>
/// Thresholds of the guardrail checks, as set under <c>guardrails</c> in campaign.json. Defaults: scaled L2 imbalance
/// 0.5, placebo-in-time α 0.05, no missing periods allowed, data late after 3 days; for holdouts SRM at p &lt; 0.001,
/// control exposure above 1%, no MDE target, no harm checks, and the fairness check across markets.
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

    /// <summary>Sample ratio mismatch breaches when the χ² test of arm counts against the planned allocation has p below this. Default 0.001.</summary>
    public double SrmAlpha { get; init; } = 0.001;

    /// <summary>Control contamination breaches when more than this share of the control arm was exposed. Default 0.01.</summary>
    public double MaxControlExposure { get; init; } = 0.01;

    /// <summary>Underpowered design breaches when the relative MDE of a contrast exceeds this; null for no target (default).</summary>
    public double? TargetRelativeMde { get; init; }

    /// <summary>Metrics that must not get worse, each with its non-inferiority margin; none by default.</summary>
    public IReadOnlyList<HarmCheck> Harm { get; init; } = [];

    /// <summary>
    /// The holdout breakdowns whose levels are groups of people for the fairness check (<c>segment</c>, <c>surface</c>,
    /// <c>market</c>): the primary contrast's effect in each group, and a breach when a beneficial overall effect harms
    /// one. Default: <c>market</c> (countries); name <c>segment</c> when the export's segments are, say, age bands.
    /// </summary>
    public IReadOnlyList<string> FairnessGroups { get; init; } = [FairnessMarket];

    /// <summary>The breakdowns <see cref="FairnessGroups"/> may name.</summary>
    public const string FairnessSegment = "segment", FairnessSurface = "surface", FairnessMarket = "market";
}

/// <summary>
/// A guardrail metric that treatment must not harm: harm is a breach when the interval of the relative effect lies
/// entirely beyond <paramref name="Margin"/> in the bad direction (non-inferiority fails).
/// </summary>
/// <param name="Metric">The outcome column.</param>
/// <param name="Margin">The tolerated relative change, e.g. 0.02 for 2%.</param>
/// <param name="HigherIsBetter">True when a decrease is harm (orders); false when an increase is (unsubscribes).</param>
public sealed record HarmCheck(string Metric, double Margin, bool HigherIsBetter)
{
    /// <summary>What a margin must be, in words for error messages.</summary>
    public const string MarginRule = "a relative margin from 0 to 1, such as 0.02 for 2%";

    /// <summary>Whether <paramref name="margin"/> is a harm margin: from 0 up to (not including) 1, the rule campaign.json and the CLI share.</summary>
    public static bool IsMargin(double margin) => margin >= 0 && margin < 1;
}
