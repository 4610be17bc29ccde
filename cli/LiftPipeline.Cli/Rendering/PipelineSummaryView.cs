using System.Globalization;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;
using Spectre.Console;

namespace LiftPipeline.Cli.Rendering;

/// <summary>
/// The human view of a pipeline pass (<c>lift run</c>, <c>lift demo</c>, each beat of <c>lift watch</c>): the exports
/// line, one table row per estimate (campaign, estimator and cell, ATT, interval, lift, guardrails, recommendation,
/// report; a measurement reused from an earlier run shows "reused from {run}" and its report), then quarantined exports with their reason, a line per planning campaign's design, the first pooled contrast of the evidence across campaigns, the portfolio digest, deliveries and problems.
/// </summary>
internal static class PipelineSummaryView
{
    /// <summary>
    /// Writes the summary: the table through <paramref name="console"/>, every other line straight to
    /// <paramref name="output"/> (never wrapped, so it can be searched). Report paths in the table are object names in
    /// the store; <paramref name="locate"/> turns an object name into the path a user opens.
    /// </summary>
    public static void Render(IAnsiConsole console, TextWriter output, PipelineRunSummary summary, Func<string, string> locate)
    {
        console.MarkupLine($"[bold]{Markup.Escape(Headline(summary))}[/]");
        output.WriteLine(ExportsLine(summary.Exports));
        if (summary.Measurements.Count > 0)
        {
            output.WriteLine(MeasurementsLine(summary.Measurements));
        }
        var measured = summary.Measurements.Where(m => m.Design is null).ToArray();
        if (measured.Length > 0)
        {
            var table = Table(measured);
            console.Write(table.Build(console.Profile.Width));
            if (table.LeftOut.Count > 0)
            {
                // What did not fit the terminal, one line per campaign (never wrapped, so it can be searched).
                foreach (var outcome in measured)
                {
                    output.WriteLine(LeftOutLine(outcome, table.LeftOut, locate));
                }
            }
        }
        foreach (var quarantined in summary.Exports.Where(e => e.Disposition == ExportDisposition.Quarantined))
        {
            output.WriteLine($"quarantined {quarantined.Export.Path} → {locate(quarantined.Export.QuarantinePath)}");
            output.WriteLine($"  reason: {quarantined.Message}");
        }
        if (summary.Audiences is { } audiences)
        {
            AudienceRefreshView.Render(output, audiences, locate);
        }
        foreach (var outcome in measured.Where(m => m.Report is null && m.Holdout is null))
        {
            // A reused measurement's message names the campaign and the run it reuses already.
            output.WriteLine(outcome.ReusedFrom is not null && !outcome.AlreadyMeasured ? outcome.Message : $"{Status(outcome)} {outcome.Campaign}: {outcome.Message}");
        }
        foreach (var outcome in summary.Measurements.Where(m => m.Design is not null))
        {
            output.WriteLine(DesignLine(outcome, locate));
        }
        foreach (var outcome in summary.Measurements.Where(m => m.Holdout is not null))
        {
            HoldoutLines(output, outcome.Campaign, outcome.Holdout!);
        }
        foreach (var outcome in summary.Measurements.Where(m => m.Report is { Recommendation: Pipeline.Reports.Recommendation.Extend }))
        {
            // A panel still extending: its always-valid interval and the progress to a decision at today's rate.
            output.WriteLine($"{outcome.Campaign}: {outcome.Report!.RecommendationReason}");
        }
        if (summary.Evidence?.Contrasts is [var first, ..])
        {
            output.WriteLine($"evidence: {first.Sentence} → {locate(StoreLayout.EvidenceIndex)}");
        }
        if (summary.Portfolio is { } portfolio)
        {
            output.WriteLine($"portfolio: {Pipeline.Portfolio.PortfolioText.Summary(portfolio.Digest)} → {locate(portfolio.Html)}");
        }
        output.WriteLine(DeliveriesLine(summary.Deliveries));
        foreach (var delivery in summary.Deliveries)
        {
            var o = delivery.Outcome;
            var what = o.StatusText;
            output.WriteLine($"  {what} {delivery.AlertId} → {delivery.Subscriber}" + (o.Attempts > 0 ? $" ({o.Attempts} attempts)" : "") + (o.Error is null ? "" : $": {o.Error}"));
        }
        if (summary.Deliveries.Any(d => d.Outcome.Status == DeliveryStatus.Pending))
        {
            output.WriteLine($"  pending deliveries are kept and retried by the next run; signing secrets are read from {Hosting.WebhookSecretsFromEnvironment.Prefix}{{SECRETNAME}}");
        }
        foreach (var problem in summary.Problems)
        {
            output.WriteLine($"problem {problem}");
        }
    }

    /// <summary>A holdout's overall contrasts on its primary metric with their always-valid intervals, each harmed guardrail metric, then its recommendation.</summary>
    private static void HoldoutLines(TextWriter output, string campaign, Pipeline.Reports.HoldoutReport report)
    {
        var m = report.Measurement;
        output.WriteLine($"{campaign} (holdout; the nightly run looks daily, so decisions read the always-valid interval):");
        string? primary = m.Contrasts.FirstOrDefault()?.Metric;
        foreach (var c in m.Contrasts.Where(c => c.Segment is null && c.Surface is null && c.Market is null && c.Kind != Statistics.Measurement.ContrastKind.OnTreated && c.Metric == primary))
        {
            if (c.Suppressed)
            {
                output.WriteLine($"  {c.Treatment} vs {c.Control} {c.Metric}: {Pipeline.Reports.HoldoutReport.SuppressedText(m)}");
                continue;
            }
            output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"  {c.Treatment} vs {c.Control} {c.Metric}: {100 * c.Relative:+0.0;-0.0}% [{100 * c.RelativeCi.Lower:0.0}%, {100 * c.RelativeCi.Upper:0.0}%], always valid [{100 * c.AlwaysValidRelativeCi.Lower:0.0}%, {100 * c.AlwaysValidRelativeCi.Upper:0.0}%], p {c.PValue:0.0000}"));
        }
        foreach (var harm in m.Harms)
        {
            output.WriteLine($"  ⚠ harmed: {harm.Describe(v => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{100 * v:0.0}%"))}.");
        }
        var hidden = m.Contrasts.Where(c => c.Suppressed && (c.Segment ?? c.Surface ?? c.Market) is not null)
            .Select(c => c.Segment is not null ? $"segment {c.Segment}" : c.Surface is not null ? $"surface {c.Surface}" : $"market {c.Market}")
            .Distinct(StringComparer.Ordinal).ToArray();
        if (hidden.Length > 0)
        {
            output.WriteLine($"  suppressed (fewer than {m.SuppressedBelow} customers, or would reveal such a row): {string.Join(", ", hidden)}");
        }
        if (Pipeline.Reports.BudgetComparison.Of(m) is { } budget)
        {
            // A held decision holds the budget too: the line says so rather than inviting a move.
            string held = report.Decision.Breached.Count > 0 ? $"; on hold until {string.Join(", ", report.Decision.Breached)} is resolved" : "";
            output.WriteLine($"  budget (Thompson shares{held}): {budget.Headline()}");
        }
        if (report.PrivacyNote is { } privacy)
        {
            output.WriteLine($"  {privacy}");
        }
        output.WriteLine($"  {report.RecommendationReason}");
    }

    /// <summary>
    /// A planning campaign's line: "geo-plan design: chicago, portland for 15 periods, MDE 10.0%, investment 64,564 →
    /// {path}/design.html", with "(unchanged)" when the design was already current, or why no design reaches the power.
    /// </summary>
    public static string DesignLine(MeasureOutcome outcome, Func<string, string> locate)
    {
        var design = outcome.Design!;
        string choice = design.Chosen.Count == 0
            ? "no design reaches the target power at the effect sizes simulated"
            : string.Join("; ", design.Chosen.Select(c => (c.Cell is { } cell ? $"cell {cell}: " : "")
                + string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", c.Locations)} for {c.Duration} periods, MDE {100 * c.Mde:0.0}%, investment {c.Investment:#,##0}")));
        return $"{outcome.Campaign} design: {choice}{(outcome.AlreadyMeasured ? " (unchanged)" : "")} → {locate(StoreLayout.DesignHtml(outcome.Campaign))}";
    }

    /// <summary>True when some campaign failed or a problem was reported: the exit code is then 1.</summary>
    public static bool HasFailures(PipelineRunSummary summary) =>
        summary.Problems.Count > 0 || summary.Measurements.Any(m => m.Status == CampaignRunStatus.Failed);

    /// <summary>
    /// "N new exports: a accepted, q quarantined", counting only what this process did; exports a concurrent run merged
    /// first are added as ", m already merged by another run".
    /// </summary>
    public static string ExportsLine(IReadOnlyList<ExportOutcome> exports)
    {
        int accepted = exports.Count(e => e.Disposition == ExportDisposition.Accepted);
        int quarantined = exports.Count(e => e.Disposition == ExportDisposition.Quarantined);
        int elsewhere = exports.Count(e => e.Disposition == ExportDisposition.AlreadyMerged);
        int mine = exports.Count - elsewhere;
        return $"{mine} new export{(mine == 1 ? "" : "s")}: {accepted} accepted, {quarantined} quarantined" + (elsewhere > 0 ? $", {elsewhere} already merged by another run" : "");
    }

    /// <summary>
    /// "N campaigns: m measured, r reused, f failed, …": what this pass computed, and what it reused because the dataset,
    /// campaign.json and engine version were unchanged (counts of zero are left out, except measured and reused).
    /// </summary>
    public static string MeasurementsLine(IReadOnlyList<MeasureOutcome> measurements)
    {
        int reused = measurements.Count(m => m.ReusedFrom is not null && !m.AlreadyMeasured);
        int measured = measurements.Count(m => m.Status == CampaignRunStatus.Measured && m.ReusedFrom is null && !m.AlreadyMeasured);
        int designed = measurements.Count(m => m.Status == CampaignRunStatus.Designed);
        int failed = measurements.Count(m => m.Status == CampaignRunStatus.Failed && m.ReusedFrom is null && !m.AlreadyMeasured);
        int already = measurements.Count(m => m.AlreadyMeasured && m.Status != CampaignRunStatus.Designed);
        int other = measurements.Count - reused - measured - designed - failed - already;
        return $"{measurements.Count} campaign{(measurements.Count == 1 ? "" : "s")}: {measured} measured, {reused} reused (dataset, campaign.json and engine unchanged)"
            + (failed > 0 ? $", {failed} failed" : "") + (designed > 0 ? $", {designed} designed" : "")
            + (already > 0 ? $", {already} already measured in this run" : "") + (other > 0 ? $", {other} without data or skipped" : "");
    }

    /// <summary>An export's disposition as printed and in JSON: <c>accepted</c>, <c>quarantined</c>, <c>not-found</c>, <c>already-merged</c>.</summary>
    public static string Disposition(ExportDisposition disposition) => disposition switch
    {
        ExportDisposition.NotFound => "not-found",
        ExportDisposition.AlreadyMerged => "already-merged",
        _ => disposition.ToString().ToLowerInvariant(),
    };

    /// <summary>What the headline says of a run that waited for the lease in vain (exit code 0: the other run does the work).</summary>
    public const string SkippedRun = "skipped: another run is measuring";

    /// <summary>The guardrails of a report in one cell: each name with its worst status, e.g. "pre-fit breach, placebo-in-time pass".</summary>
    public static string Guardrails(IReadOnlyList<GuardrailResult> results) => string.Join(", ",
        results.GroupBy(r => r.Name).Select(g =>
        {
            var worst = g.Max(r => r.Status);
            int count = g.Count(r => r.Status == worst);
            var status = worst.ToString().ToLowerInvariant();
            return g.Count() > 1 && count < g.Count() ? $"{g.Key} {status} ({count} of {g.Count()} cells)" : $"{g.Key} {status}";
        }));

    /// <summary>The fixed format of ATT, interval bounds and lift in the table: three decimals, invariant culture.</summary>
    public static string Number(double value) => double.IsFinite(value) ? value.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string Headline(PipelineRunSummary summary) => summary.RunId is null
        ? "New exports"
        : $"Run {summary.RunId}" + (summary.Start == RunStart.LeaseHeld ? $" {SkippedRun}" : "");

    private static FittedTable Table(IReadOnlyList<MeasureOutcome> measurements)
    {
        var table = new FittedTable(
            new FitColumn("campaign"), new FitColumn("estimator"), new FitColumn("ATT", Right: true), new FitColumn("interval"), new FitColumn("lift", Right: true),
            new FitColumn("guardrails", 2, WrapWidth: 30), new FitColumn("recommendation"), new FitColumn("report", 1));
        foreach (var outcome in measurements)
        {
            if (outcome.Holdout is { } holdout)
            {
                AddHoldoutRows(table, outcome, holdout);
                continue;
            }
            if (outcome.Report is not { } report)
            {
                table.AddRow(outcome.Campaign, "-", "-", "-", "-", "-", Status(outcome), ReportPath(outcome) ?? "-");
                continue;
            }
            bool first = true;
            foreach (var estimate in report.Estimates)
            {
                table.AddRow(
                    first ? outcome.Campaign : "",
                    estimate.Estimator + (estimate.Cell is null ? "" : $" ({estimate.Cell})"),
                    Number(estimate.Att),
                    Interval(estimate),
                    Number(estimate.Lift * 100) + "%",
                    first ? Guardrails(report.Guardrails) : "",
                    first ? report.Recommendation.ToString().ToLowerInvariant() : "",
                    first ? ReportPath(outcome) ?? "" : "");
                first = false;
            }
        }
        return table;
    }

    /// <summary>A holdout in the table: one row per overall contrast on its primary metric (ATT per customer, relative lift).</summary>
    private static void AddHoldoutRows(FittedTable table, MeasureOutcome outcome, Pipeline.Reports.HoldoutReport holdout)
    {
        var m = holdout.Measurement;
        string? primary = m.Contrasts.FirstOrDefault()?.Metric;
        bool first = true;
        foreach (var c in m.Contrasts.Where(c => c.Kind == Statistics.Measurement.ContrastKind.Mean && c.Metric == primary && c.Segment is null && c.Surface is null && c.Market is null))
        {
            table.AddRow(
                first ? outcome.Campaign : "",
                $"{c.Treatment} vs {c.Control}",
                Number(c.Absolute),
                $"[{Number(c.Ci.Lower)}, {Number(c.Ci.Upper)}]",
                Number(c.Relative * 100) + "%",
                first ? Guardrails(m.Guardrails) : "",
                first ? holdout.Recommendation.ToString().ToLowerInvariant() : "",
                first ? ReportPath(outcome) ?? "" : "");
            first = false;
        }
    }

    /// <summary>"campaign: guardrails …; report …" for the columns the terminal left out of the table.</summary>
    private static string LeftOutLine(MeasureOutcome outcome, IReadOnlyList<string> leftOut, Func<string, string> locate)
    {
        var guardrails = outcome.Holdout is { } holdout ? holdout.Measurement.Guardrails : outcome.Report?.Guardrails;
        var parts = new List<string>();
        if (leftOut.Contains("guardrails") && guardrails is { Count: > 0 })
        {
            parts.Add(Guardrails(guardrails));
        }
        if (leftOut.Contains("report") && ReportPath(outcome) is { } path)
        {
            parts.Add(locate(path));
        }
        return $"  {outcome.Campaign}: {(parts.Count == 0 ? "-" : string.Join(" → ", parts))}";
    }

    private static string? ReportPath(MeasureOutcome outcome) =>
        outcome.ReportFolder is { } folder ? StoreLayout.ReportHtml(folder) : null;

    private static string Interval(MeasuredEstimate estimate) =>
        estimate.Uncertainty is { } u ? $"[{Number(u.CiLow)}, {Number(u.CiHigh)}]" : "-";

    private static string Status(MeasureOutcome outcome) => outcome.AlreadyMeasured
        ? "already measured"
        : outcome.ReusedFrom is { } from ? $"{(outcome.Status == CampaignRunStatus.Failed ? "failed, " : "")}reused from {from}"
        : outcome.Status switch
        {
            CampaignRunStatus.NoData => "no data",
            CampaignRunStatus.Skipped => "skipped",
            CampaignRunStatus.Failed => "failed",
            CampaignRunStatus.Designed => "designed",
            _ => outcome.Status.ToString().ToLowerInvariant(),
        };

    private static string DeliveriesLine(IReadOnlyList<SubscriberDelivery> deliveries)
    {
        int delivered = deliveries.Count(d => d.Outcome.Status == DeliveryStatus.Delivered);
        int pending = deliveries.Count(d => d.Outcome.Status == DeliveryStatus.Pending);
        int dead = deliveries.Count(d => d.Outcome.Status == DeliveryStatus.DeadLettered);
        int cancelled = deliveries.Count - delivered - pending - dead;
        return $"{deliveries.Count} deliver{(deliveries.Count == 1 ? "y" : "ies")}: {delivered} delivered, {pending} pending"
            + (dead > 0 ? $", {dead} dead-lettered" : "") + (cancelled > 0 ? $", {cancelled} cancelled" : "");
    }
}
