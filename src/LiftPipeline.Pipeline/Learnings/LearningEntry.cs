using System.Globalization;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Pipeline.Learnings;

/// <summary>
/// What a concluded test taught (docs/decisions.md, "Learnings log"): the question, the design, who and where it ran on,
/// the result with its always-valid interval, the decision, the guardrails that fired and the caveats, citing the report.
/// </summary>
/// <param name="Campaign">Campaign id.</param>
/// <param name="Name">The campaign's name.</param>
/// <param name="Design"><c>panel</c> or <c>holdout</c>.</param>
/// <param name="Question">The question the test answers, in one sentence.</param>
/// <param name="ConcludedBy">Why it is concluded: <c>final decision</c> (scale or stop) or <c>ended</c> (its window is over).</param>
/// <param name="ConcludedAt">When the concluding report was made.</param>
/// <param name="RunId">The run of that report.</param>
/// <param name="Report">The report's HTML object.</param>
/// <param name="Audience">Segments, surfaces and markets of a holdout, or the treated markets of a geo test.</param>
/// <param name="Subject">What the result bounds, e.g. <c>vbo_1p vs vbo on revenue (relative)</c>.</param>
/// <param name="Estimate">The point estimate (a panel's ATT, a holdout's relative lift).</param>
/// <param name="Lower">The always-valid interval's lower bound, NaN when there is none.</param>
/// <param name="Upper">Its upper bound.</param>
/// <param name="Decision">scale, hold, extend or stop.</param>
/// <param name="Reason">The decision's reason.</param>
/// <param name="Guardrails">Each guardrail that warned or breached: its name, status and message.</param>
/// <param name="Caveats">What to keep in mind when reusing the result.</param>
public sealed record LearningEntry(
    string Campaign, string Name, string Design, string Question, string ConcludedBy, DateTimeOffset ConcludedAt, string RunId, string Report,
    IReadOnlyList<string> Audience, string? Subject, double Estimate, double Lower, double Upper, string Decision, string Reason,
    IReadOnlyList<string> Guardrails, IReadOnlyList<string> Caveats)
{
    /// <summary>The <see cref="ConcludedBy"/> of a test whose decision is final.</summary>
    public const string FinalDecision = "final decision";

    /// <summary>The <see cref="ConcludedBy"/> of a test whose planned window is over.</summary>
    public const string Ended = "ended";

    /// <summary>
    /// Why a test with <paramref name="decision"/> and <paramref name="window"/> is concluded at <paramref name="now"/>, or null when it is not: its decision
    /// is final (scale or stop), or campaign.json's <c>treatment.end</c> (a date) is before today.
    /// </summary>
    public static string? Concluded(RecommendationDecision decision, TreatmentWindow? window, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Action is Recommendation.Scale or Recommendation.Stop)
        {
            return FinalDecision;
        }
        return window?.End is { Kind: PeriodKind.Date } end && end.ToDate() < DateOnly.FromDateTime(now.UtcDateTime) ? Ended : null;
    }

    /// <summary>The entry of a panel report stored under <paramref name="reportFolder"/>.</summary>
    public static LearningEntry Of(CampaignConfig config, LiftReport report, string reportFolder, string concludedBy)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(report);
        var caveats = new List<string>(report.Primary?.Uncertainty?.Warnings ?? []);
        caveats.AddRange(report.Decision.Warned.Select(w => $"guardrail {w} warned"));
        string metric = config.Unit is { } unit ? $"{report.Metric} ({unit})" : report.Metric;
        return Create(config, report, reportFolder, concludedBy, $"Did {config.Name} change {metric} in the treated markets?",
            report.Primary?.TreatedUnits ?? report.Dataset.TreatedUnits, report.Primary?.Att ?? double.NaN, caveats);
    }

    /// <summary>The entry of a holdout report stored under <paramref name="reportFolder"/>.</summary>
    public static LearningEntry Of(CampaignConfig config, HoldoutReport report, string reportFolder, string concludedBy)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(report);
        var primary = report.Primary;
        string question = primary is null ? $"Did {config.Name} change its outcomes?"
            : $"Does {primary.Treatment} beat {primary.Control} on {primary.Metric}?";
        var audience = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var c in report.Measurement.Contrasts)
        {
            if (c.Segment is { } segment) { audience.Add($"segment {segment}"); }
            if (c.Surface is { } surface) { audience.Add($"surface {surface}"); }
            if (c.Market is { } market) { audience.Add($"market {market}"); }
        }
        var caveats = report.Decision.Warned.Select(w => $"guardrail {w} warned").ToList();
        return Create(config, report, reportFolder, concludedBy, question, [.. audience], primary?.Relative ?? double.NaN, caveats);
    }

    private static LearningEntry Create(CampaignConfig config, IReportEnvelope report, string reportFolder, string concludedBy, string question,
        IReadOnlyList<string> audience, double estimate, List<string> caveats)
    {
        var decision = report.Decision;
        var fired = report.Guardrails.Where(g => g.Status != GuardrailStatus.Pass)
            .Select(g => $"{g.Name} {(g.Status == GuardrailStatus.Breach ? "breach" : "warn")}: {g.Message}").ToArray();
        if (concludedBy == Ended && decision.Action == Recommendation.Hold && decision.Breached.Count > 0)
        {
            caveats.Insert(0, $"the test ended on hold because {string.Join(", ", decision.Breached)} breached: the estimate stands, but do not act on it until that is resolved");
        }
        else if (concludedBy == Ended && decision.Action is Recommendation.Extend or Recommendation.Hold)
        {
            caveats.Insert(0, string.Create(CultureInfo.InvariantCulture,
                $"the test ended without a final decision ({decision.Action.ToString().ToLowerInvariant()}): read the result as inconclusive"));
        }
        return new LearningEntry(report.Campaign, config.Name, report.Design, question, concludedBy, report.GeneratedAt, report.RunId,
            Storage.StoreLayout.ReportHtml(reportFolder), audience, decision.Basis?.Subject, estimate, decision.Basis?.Lower ?? double.NaN,
            decision.Basis?.Upper ?? double.NaN, decision.Action.ToString().ToLowerInvariant(), decision.Reason, fired, caveats);
    }
}
