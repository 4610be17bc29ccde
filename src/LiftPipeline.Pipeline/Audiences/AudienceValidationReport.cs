using LiftPipeline.Statistics.Audiences.Validation;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// The validation of one audience refresh (docs/audiences.md): per segment its size, stability against the previous
/// refresh, holdout balance and composition, the overlap of every pair of segments, and each check's verdict.
/// </summary>
/// <param name="Audience">The audience id from the members file, or null.</param>
/// <param name="AsOf">The refresh date from the members file, or null.</param>
/// <param name="PreviousAsOf">The previous refresh's date, or null.</param>
/// <param name="Customers">Rows of the customers export.</param>
/// <param name="Options">The thresholds used.</param>
/// <param name="Segments">Each segment, in ordinal order of name.</param>
/// <param name="Balance">The balance of every assigned customer of the export, or null without an assignment.</param>
/// <param name="Overlaps">Every pair of segments.</param>
/// <param name="Checks">Every check's verdict, segment by segment.</param>
public sealed record AudienceValidationReport(string? Audience, DateOnly? AsOf, DateOnly? PreviousAsOf, long Customers, AudienceValidationOptions Options,
    IReadOnlyList<SegmentValidation> Segments, HoldoutBalance? Balance, IReadOnlyList<SegmentOverlap> Overlaps, IReadOnlyList<ValidationCheck> Checks)
{
    /// <summary>Version of the validation JSON; bumped on any breaking change.</summary>
    public const int SchemaVersion = 1;

    /// <summary>What <see cref="AudienceReleasePolicy"/> withheld, or null when every number is released.</summary>
    public AudienceSuppression? Suppression { get; init; }

    /// <summary>The worst status of any check (pass without checks).</summary>
    public GuardrailStatus Status => Checks.Count == 0 ? GuardrailStatus.Pass : Checks.Max(c => c.Status);

    /// <summary>The checks that breached: one alert each.</summary>
    public IReadOnlyList<ValidationCheck> Breaches => Checks.Where(c => c.Status == GuardrailStatus.Breach).ToArray();

    /// <summary>One line per breach, for alerts: what, segment, numbers.</summary>
    public IReadOnlyList<string> AlertLines => Breaches.Select(c => c.Message).ToArray();
}

/// <summary>One segment of a refresh.</summary>
/// <param name="Segment">The segment's name.</param>
/// <param name="Members">Distinct members in the members file.</param>
/// <param name="InCustomers">Of them, customers of the export (the others are not in balance or composition).</param>
/// <param name="Stability">Against the previous refresh's segment of the same name, or null when there is none.</param>
/// <param name="Balance">Its assigned members' balance, or null without an assignment.</param>
/// <param name="Composition">Country then age band groups against all customers.</param>
public sealed record SegmentValidation(string Segment, long Members, long InCustomers, SegmentStability? Stability, HoldoutBalance? Balance,
    IReadOnlyList<GroupComposition> Composition);

/// <summary>One check's verdict.</summary>
/// <param name="Check">What was checked: <c>size-{surface}</c>, <c>stability</c>, <c>balance</c>, <c>sample-ratio</c>, <c>composition</c>, <c>coverage</c>.</param>
/// <param name="Segment">The segment, or null for every assigned customer.</param>
/// <param name="Status">Pass, warn or breach.</param>
/// <param name="Message">One line: what, segment, numbers.</param>
/// <param name="Evidence">The numbers the verdict rests on.</param>
public sealed record ValidationCheck(string Check, string? Segment, GuardrailStatus Status, string Message, IReadOnlyDictionary<string, double> Evidence);
