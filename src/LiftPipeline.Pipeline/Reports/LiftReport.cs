using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Panels;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// The input a report describes: <paramref name="Units"/> and <paramref name="Periods"/> of the panel, its treated
/// units, the first treated period (<paramref name="TreatmentStart"/>, ISO form) and the first and last periods.
/// The period fields are null when no estimate carries its periods.
/// </summary>
public sealed record ReportDataset(int Units, int Periods, IReadOnlyList<string> TreatedUnits, string? TreatmentStart, string? FirstPeriod, string? LastPeriod);

/// <summary>
/// A lift report of one measurement run of one campaign: what was measured, every estimate, the guardrail results
/// and the recommendation. Immutable; <see cref="ReportJson"/>, <see cref="ReportHtml"/> and
/// <see cref="ReportMarkdown"/> render it, and the same report always renders to the same bytes.
/// </summary>
/// <param name="Campaign">Campaign id.</param>
/// <param name="RunId">The run that produced the report.</param>
/// <param name="GeneratedAt">When the report was made, from the injected clock (never read here).</param>
/// <param name="Metric">The measured metric.</param>
/// <param name="Level">Confidence level of the intervals (0.95 by default).</param>
/// <param name="Dataset">The input data.</param>
/// <param name="Estimates">Every estimate; the first is the primary one the recommendation and the charts follow.</param>
/// <param name="Guardrails">Guardrail results, in the order they were checked.</param>
/// <param name="Decision">The recommendation, its reason and evidence; see <see cref="RecommendationRule"/>.</param>
public sealed record LiftReport(
    string Campaign,
    string RunId,
    DateTimeOffset GeneratedAt,
    string Metric,
    double Level,
    ReportDataset Dataset,
    IReadOnlyList<MeasuredEstimate> Estimates,
    IReadOnlyList<GuardrailResult> Guardrails,
    RecommendationDecision Decision) : IReportEnvelope
{
    /// <summary>Version of the JSON schema (docs/reports.md), shared by every design; bumped on any breaking change.</summary>
    public const int SchemaVersion = ReportJson.SchemaVersion;

    /// <summary>The study design the report covers.</summary>
    public const string Design = "panel";

    string IReportEnvelope.Design => Design;

    /// <summary>The metric's unit from campaign.json (for example "orders" or "EUR"), shown on chart axes; null when not given.</summary>
    public string? Unit { get; init; }

    /// <summary>The last period of the planned treatment window (campaign.json <c>treatment.end</c>), null when not given.</summary>
    public Period? PlannedEnd { get; init; }

    /// <summary>
    /// The always-valid interval of <paramref name="estimate"/> as the recommendation reads it for the primary estimate
    /// (<see cref="Basis"/> at this report's level and planned end), with its progress to a decision; null without an uncertainty.
    /// </summary>
    public RecommendationBasis? AlwaysValid(MeasuredEstimate estimate) => Basis(estimate, 1 - Level, PlannedEnd);

    /// <summary>What to do next: <see cref="RecommendationDecision.Action"/> of <see cref="Decision"/>.</summary>
    public Recommendation Recommendation => Decision.Action;

    /// <summary>One sentence explaining the recommendation.</summary>
    public string RecommendationReason => Decision.Reason;

    /// <summary>The estimate the recommendation and the charts follow: the first estimator on the first cell, or null when there is none.</summary>
    public MeasuredEstimate? Primary => Estimates.Count > 0 ? Estimates[0] : null;

    /// <summary>Builds the report of <paramref name="measurement"/> and applies <see cref="RecommendationRule"/> to its primary estimate.</summary>
    /// <param name="campaign">Campaign id.</param>
    /// <param name="runId">Run id.</param>
    /// <param name="generatedAt">The time to stamp, from the caller's clock.</param>
    /// <param name="measurement">The estimates of one metric.</param>
    /// <param name="guardrails">Guardrail results (may be empty).</param>
    /// <param name="level">Confidence level the measurement's intervals were computed at. Default 0.95.</param>
    /// <param name="plannedEnd">The last period of the planned treatment window (campaign.json <c>treatment.end</c>); null:
    /// <see cref="RecommendationBasis.DefaultPlannedLooks"/> post-treatment periods.</param>
    /// <exception cref="ArgumentException">An empty campaign or run id, or a level outside (0, 1).</exception>
    public static LiftReport Create(string campaign, string runId, DateTimeOffset generatedAt, PanelMeasurement measurement,
        IReadOnlyList<GuardrailResult> guardrails, double level = 0.95, Period? plannedEnd = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaign);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(measurement);
        ArgumentNullException.ThrowIfNull(guardrails);
        if (!(level > 0 && level < 1))
        {
            throw new ArgumentException($"The confidence level must lie strictly between 0 and 1 (got {level}).", nameof(level));
        }
        var primary = measurement.Estimates.Count > 0 ? measurement.Estimates[0] : null;
        return new LiftReport(campaign, runId, generatedAt, measurement.Metric, level, Describe(measurement),
            measurement.Estimates, guardrails, RecommendationRule.Decide(Basis(primary, 1 - level, plannedEnd), guardrails)) { PlannedEnd = plannedEnd };
    }

    /// <summary>
    /// The always-valid basis a panel recommendation reads for <paramref name="estimate"/> (<see cref="RecommendationBasis.Of(MeasuredEstimate?, double, int?, string)"/>):
    /// the planned window runs to <paramref name="plannedEnd"/> (null: <see cref="RecommendationBasis.DefaultPlannedLooks"/>
    /// post-treatment periods) and progress counts days, weeks or periods as the panel's periods step. <c>lift measure</c>
    /// and the report use this one rule.
    /// </summary>
    public static RecommendationBasis? Basis(MeasuredEstimate? estimate, double alpha, Period? plannedEnd = null) =>
        RecommendationBasis.Of(estimate, alpha, PlannedPeriods(estimate, plannedEnd), PeriodUnit(estimate));

    /// <summary>Post-treatment periods from the first to <paramref name="end"/>, stepping as the panel's last two periods do; null when unknown.</summary>
    private static int? PlannedPeriods(MeasuredEstimate? primary, Period? end)
    {
        if (end is not { } last || primary is not { Effects.Count: > 0 } || primary.Periods is not { Count: >= 2 } periods)
        {
            return null;
        }
        long step = periods[^1].Value - periods[^2].Value;
        var observed = primary.Effects[^1].Period;
        if (step <= 0 || last.Kind != observed.Kind)
        {
            return null;
        }
        return primary.Effects.Count + (int)Math.Clamp((last.Value - observed.Value) / step, 0, 100_000);
    }

    /// <summary>"days" or "weeks" for a daily or weekly date panel, else "periods".</summary>
    private static string PeriodUnit(MeasuredEstimate? primary) =>
        primary?.Periods is { Count: >= 2 } p && p[^1].Kind == PeriodKind.Date
            ? (p[^1].Value - p[^2].Value) switch { 1 => "days", 7 => "weeks", _ => "periods" }
            : "periods";

    private static ReportDataset Describe(PanelMeasurement measurement)
    {
        var starts = measurement.Estimates.Where(e => e.Effects.Count > 0).Select(e => e.Effects[0].Period).ToArray();
        var periods = measurement.Estimates.Select(e => e.Periods).FirstOrDefault(p => p is { Count: > 0 });
        return new ReportDataset(measurement.Units, measurement.Periods, measurement.TreatedUnits,
            starts.Length > 0 ? starts.Min().ToString() : null,
            periods?[0].ToString(), periods?[^1].ToString());
    }
}
