using LiftPipeline.Statistics.Audiences;
using LiftPipeline.Statistics.Audiences.Segments;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>An audience.json (docs/audiences.md, "Audience definitions"; schema docs/audience.schema.json), read by <see cref="AudienceDefinitionReader"/>.</summary>
/// <param name="Audience">The audience id (<c>[a-z0-9-]</c>, 1 to 64).</param>
/// <param name="Description">What the audience is for, or null.</param>
/// <param name="Segments">The rule segments, names unique.</param>
/// <param name="Lifecycle">The lifecycle thresholds.</param>
/// <param name="Activate">Which segment goes to which surfaces, or null.</param>
/// <param name="Holdouts">The holdout tests run on segments of the audience.</param>
/// <param name="Validation">Thresholds of the validation report.</param>
public sealed record AudienceDefinition(string Audience, string? Description, IReadOnlyList<SegmentDefinition> Segments, LifecycleThresholds Lifecycle,
    AudienceActivation? Activate, IReadOnlyList<AudienceHoldout> Holdouts, AudienceValidationSettings Validation);

/// <summary>A rule segment: its name (<c>[a-z0-9-]</c>) and its rule in the segment language.</summary>
public sealed record SegmentDefinition(string Name, string Rule);

/// <summary>The segment to activate, its surfaces, and the country code for national phone numbers (or null).</summary>
public sealed record AudienceActivation(string Segment, IReadOnlyList<ActivationSurface> Surfaces, string? PhoneCountryCode);

/// <summary>A holdout test on a segment: its campaign id, the segment, and the assigner (salt, allocation, optional layer).</summary>
public sealed record AudienceHoldout(string Campaign, string Segment, HoldoutAssigner Assigner);

/// <summary>Thresholds of the validation report (read by <c>lift audience validate</c>).</summary>
/// <param name="JaccardFloor">Alert when the Jaccard similarity with the previous refresh is below this. Default 0.8.</param>
/// <param name="MaxSmd">Alert when a holdout's |standardised mean difference| on a covariate reaches this. Default 0.1.</param>
/// <param name="BalanceCovariates">The covariates balance is checked on. Default orders, revenue, days_since_last_order.</param>
/// <param name="MinimumCustomers">Counts of fewer customers are withheld from the report. Default 50.</param>
public sealed record AudienceValidationSettings(double JaccardFloor, double MaxSmd, IReadOnlyList<string> BalanceCovariates, long MinimumCustomers = 50)
{
    /// <summary>The defaults: 0.8, 0.1, orders, revenue and days_since_last_order, 50 customers.</summary>
    public static AudienceValidationSettings Default { get; } = new(0.8, 0.1, ["orders", "revenue", "days_since_last_order"]);
}
