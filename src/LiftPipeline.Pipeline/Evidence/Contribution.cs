using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Evidence;

/// <summary>
/// One released mean contrast of a holdout report, as pooled across campaigns: overall (segment, surface and market null)
/// or within one segment, surface or market.
/// </summary>
/// <param name="Treatment">The treatment arm.</param>
/// <param name="Control">The arm it is compared with.</param>
/// <param name="Metric">The outcome.</param>
/// <param name="Segment">The segment, or null.</param>
/// <param name="Surface">The surface, or null.</param>
/// <param name="Market">The market, or null.</param>
/// <param name="TreatmentN">Customers in the treatment arm (of the cell).</param>
/// <param name="ControlN">Customers in the control arm (of the cell).</param>
/// <param name="Relative">Relative lift, a fraction of the control mean; NaN when not released.</param>
/// <param name="RelativeStandardError">Its standard error; NaN when not released.</param>
/// <param name="Suppressed">True when the release step withheld the row (too few customers): labels only, no number.</param>
public sealed record ContributionRow(string Treatment, string Control, string Metric, string? Segment, string? Surface, string? Market,
    long TreatmentN, long ControlN, double Relative, double RelativeStandardError, bool Suppressed = false)
{
    /// <summary>"segment", "surface" or "market"; null for an overall row.</summary>
    public string? Dimension => Segment is not null ? "segment" : Surface is not null ? "surface" : Market is not null ? "market" : null;

    /// <summary>The segment, surface or market; null for an overall row.</summary>
    public string? Level => Segment ?? Surface ?? Market;

    /// <summary>
    /// The row on the pooling scale: y = ln(1 + relative) and, by the delta method (d/dr ln(1 + r) = 1/(1 + r)),
    /// v = (SE/(1 + relative))². False when 1 + relative ≤ 0 or a number is not finite: the row cannot be pooled.
    /// </summary>
    public bool TryLogLift(out double effect, out double variance)
    {
        double ratio = 1 + Relative;
        bool ok = !Suppressed && ratio > 0 && double.IsFinite(ratio) && double.IsFinite(RelativeStandardError) && RelativeStandardError > 0;
        effect = ok ? Math.Log(ratio) : double.NaN;
        variance = ok ? RelativeStandardError / ratio * (RelativeStandardError / ratio) : double.NaN;
        return ok;
    }
}

/// <summary>
/// What one holdout campaign's latest fresh measurement adds to the evidence across campaigns
/// (<c>evidence/contributions/{campaign}.json</c>, replaced by the campaign's next measurement): every released mean
/// contrast and each treatment arm's return against the control, read from the report as released. Immutable.
/// </summary>
/// <param name="Campaign">Campaign id.</param>
/// <param name="Name">The campaign's name.</param>
/// <param name="RunId">The run of the report.</param>
/// <param name="Report">The report's HTML object.</param>
/// <param name="GeneratedAt">When the report was made.</param>
/// <param name="ConcludedBy">Why the test has concluded (<see cref="Learnings.LearningEntry.Concluded"/>); null while it is still running.</param>
/// <param name="Level">Confidence level of the report's intervals.</param>
/// <param name="Contrasts">Every mean contrast, overall and per segment, surface and market, in report order.</param>
/// <param name="Arms">Each treatment arm's spend and iROAS against the control (<see cref="ArmReturn.Of"/>).</param>
public sealed record Contribution(string Campaign, string Name, string RunId, string Report, DateTimeOffset GeneratedAt, string? ConcludedBy, double Level,
    IReadOnlyList<ContributionRow> Contrasts, IReadOnlyList<ArmReturn> Arms)
{
    /// <summary>True when the test has concluded; a running test's contribution may still change.</summary>
    public bool Concluded => ConcludedBy is not null;

    /// <summary>The contribution of <paramref name="report"/>, stored under <paramref name="reportFolder"/>.</summary>
    public static Contribution Of(HoldoutReport report, string name, string reportFolder, string? concludedBy)
    {
        ArgumentNullException.ThrowIfNull(report);
        var m = report.Measurement;
        var rows = new List<ContributionRow>();
        foreach (var c in m.Contrasts)
        {
            if (c.Kind == ContrastKind.Mean)
            {
                rows.Add(c.Suppressed
                    ? new ContributionRow(c.Treatment, c.Control, c.Metric, c.Segment, c.Surface, c.Market, 0, 0, double.NaN, double.NaN, Suppressed: true)
                    : new ContributionRow(c.Treatment, c.Control, c.Metric, c.Segment, c.Surface, c.Market, c.TreatmentN, c.ControlN, c.Relative, c.RelativeStandardError));
            }
        }
        return new Contribution(report.Campaign, name, report.RunId, Storage.StoreLayout.ReportHtml(reportFolder), report.GeneratedAt, concludedBy, m.Level, rows, ArmReturn.Of(m));
    }
}
