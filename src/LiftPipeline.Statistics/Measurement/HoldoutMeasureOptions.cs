using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Statistics.Measurement;

/// <summary>What <see cref="HoldoutMeasurer"/> measures and how.</summary>
public sealed record HoldoutMeasureOptions
{
    /// <summary>Control arm, extra contrasts, ratios, spend, adjustment and N* (campaign.json's <c>holdout</c>).</summary>
    public HoldoutSettings Settings { get; init; } = new();

    /// <summary>Outcomes to compare, primary first; null: every outcome of the statistics.</summary>
    public IReadOnlyList<string>? Metrics { get; init; }

    /// <summary>Significance level; every interval is 1 − α. Default 0.05.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>SRM, contamination, MDE target and harm thresholds.</summary>
    public GuardrailThresholds Guardrails { get; init; } = new();

    /// <summary>The caps the statistics were computed with (reported with the tails); null when uncapped.</summary>
    public IReadOnlyDictionary<string, OutcomeCap>? Caps { get; init; }

    /// <summary>
    /// How the export rows agree with the campaign's stored assignment, when there is one: the <c>contamination</c>
    /// guardrail then also checks wrong arms, unassigned customers and exposed holdout customers. Default null.
    /// </summary>
    public AssignmentAgreement? Assignment { get; init; }

    /// <summary>Fit the spliced binned-Pareto tail of each metric from its sketch. Default true.</summary>
    public bool FitTails { get; init; } = true;

    /// <summary>
    /// Every option that breaks its rule: <see cref="Alpha"/> strictly between 0 and 0.5 (field <c>alpha</c>), then
    /// <see cref="HoldoutSettings.Validate"/>. Empty when the options are usable.
    /// </summary>
    public IReadOnlyList<SettingError> Validate()
    {
        var errors = new List<SettingError>();
        if (SignificanceLevel.Check(Alpha) is { } alpha)
        {
            errors.Add(alpha);
        }
        errors.AddRange(Settings.Validate());
        return errors;
    }
}
