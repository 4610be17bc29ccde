using System.Globalization;
using System.Text;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// A validation for people: <see cref="Summary"/> is what <c>lift audience validate</c> prints (a headline, one table row
/// per segment, then the breaches and warnings), <see cref="ToMarkdown"/> is <c>validation.md</c> (the same with the
/// overlap, balance and composition tables). A number <see cref="AudienceReleasePolicy"/> withheld reads
/// <c>suppressed</c>; a withheld segment has no balance or composition rows.
/// </summary>
public static class AudienceValidationText
{
    private const string Suppressed = "suppressed";

    /// <summary>The console summary, lines ending in <c>\n</c>.</summary>
    public static string Summary(AudienceValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.Append(Headline(report)).Append('\n');
        var rows = SegmentRows(report, compact: true);
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }
        foreach (var row in rows)
        {
            text.Append(string.Join("  ", row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd()).Append('\n');
        }
        AppendFindings(text, report, "  ");
        return text.ToString();
    }

    /// <summary>The Markdown report, lines ending in <c>\n</c>.</summary>
    public static string ToMarkdown(AudienceValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.Append("# Audience validation").Append(report.Audience is { } a ? $": {a}" : "").Append('\n').Append('\n');
        md.Append(Headline(report)).Append('\n').Append('\n');
        AppendFindings(md, report, "- ");
        md.Append("\n## Segments\n\n");
        AppendTable(md, SegmentRows(report, compact: false));
        if (report.Overlaps.Count > 0)
        {
            md.Append("\n## Overlap between segments\n\n");
            AppendTable(md, [["first", "second", "shared", "share of first", "share of second", "Jaccard"],
                .. report.Overlaps.Select(o => report.Suppression?.Overlaps.Contains((o.First, o.Second)) == true
                    ? [o.First, o.Second, Suppressed, Suppressed, Suppressed, Suppressed]
                    : new[] { o.First, o.Second, F($"{o.Shared:N0}"), F($"{100 * o.ShareOfFirst:0.0} %"), F($"{100 * o.ShareOfSecond:0.0} %"), F($"{o.Jaccard:0.000}") })]);
        }
        var hidden = report.Suppression;
        foreach (var (key, name, balance) in report.Segments.Where(s => !Hidden(report, s)).Select(s => (s.Segment, $"segment '{s.Segment}'", s.Balance))
            .Prepend(("", "all assigned customers", report.Balance)))
        {
            if (balance is null)
            {
                continue;
            }
            md.Append(F($"\n## Balance: {name}\n\n"));
            AppendTable(md, [["arm", "covariate", "n", "mean", "holdout n", "holdout mean", "d"],
                .. balance.Differences.Select(d => hidden?.Differences.Contains((key, d.Arm, d.Covariate)) == true
                    ? [d.Arm, d.Covariate, Suppressed, Suppressed, Suppressed, Suppressed, Suppressed]
                    : new[] { d.Arm, d.Covariate, F($"{d.ArmCount:N0}"), F($"{d.ArmMean:0.###}"), F($"{d.HoldoutCount:N0}"), F($"{d.HoldoutMean:0.###}"), F($"{d.D:0.000}") })]);
        }
        md.Append("\n## Composition\n\n");
        AppendTable(md, [["segment", "dimension", "group", "customers", "share of customers", "members", "share of members", "flag"],
            .. report.Segments.Where(s => !Hidden(report, s)).SelectMany(s => s.Composition.Select(g =>
            {
                bool population = hidden?.Population.Contains((g.Dimension, g.Group)) == true;
                bool members = hidden?.Composition.Contains((s.Segment, g.Dimension, g.Group)) == true;
                return new[]
                {
                    s.Segment, g.Dimension, g.Group, population ? Suppressed : F($"{g.PopulationCount:N0}"), population ? Suppressed : F($"{100 * g.PopulationShare:0.0} %"),
                    members ? Suppressed : F($"{g.SegmentCount:N0}"), members ? Suppressed : F($"{100 * g.SegmentShare:0.0} %"), g.UnderRepresented ? "under-represented" : "",
                };
            }))]);
        return md.ToString();
    }

    private static string Headline(AudienceValidationReport report)
    {
        int breaches = report.Checks.Count(c => c.Status == GuardrailStatus.Breach), warnings = report.Checks.Count(c => c.Status == GuardrailStatus.Warn);
        string asOf = report.AsOf is { } day ? " as of " + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
        string previous = report.PreviousAsOf is { } p ? "; compared with " + p.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
        string customers = report.Suppression?.Customers == true ? Suppressed : F($"{report.Customers:N0}");
        return F($"{report.Audience ?? "audience"}{asOf}: {report.Segments.Count} segments over {customers} customers{previous} — {AudienceValidationJson.Status(report.Status)} ({breaches} breach{(breaches == 1 ? "" : "es")}, {warnings} warning{(warnings == 1 ? "" : "s")})");
    }

    // Compact (the console, 100 columns): one size column naming the surfaces a segment is below, no found-in-export count.
    private static List<string[]> SegmentRows(AudienceValidationReport report, bool compact)
    {
        var header = new List<string> { "segment", "members" };
        if (compact)
        {
            header.Add("size");
        }
        else
        {
            header.Add("in export");
            header.AddRange(report.Options.Surfaces.Select(s => F($"{s.Name} ≥{s.Minimum:N0}")));
        }
        header.AddRange(["Jaccard", "joined", "left", "max |d|", "SRM p", "composition"]);
        var rows = new List<string[]> { header.ToArray() };
        var hidden = report.Suppression;
        foreach (var s in report.Segments)
        {
            bool segment = Hidden(report, s);
            var row = new List<string> { s.Segment, segment ? Suppressed : F($"{s.Members:N0}") };
            var below = report.Options.Surfaces.Where(surface => s.Members < surface.Minimum).Select(surface => surface.Name).ToArray();
            if (compact)
            {
                row.Add(below.Length == 0 ? "ok" : "below " + string.Join(",", below));
            }
            else
            {
                row.Add(segment || hidden?.InCustomers.Contains(s.Segment) == true ? Suppressed : F($"{s.InCustomers:N0}"));
                row.AddRange(report.Options.Surfaces.Select(surface => s.Members >= surface.Minimum ? "ok" : "below"));
            }
            bool churn = segment || hidden?.Stability.Contains(s.Segment) == true;
            bool left = churn || hidden?.Previous.Contains(s.Segment) == true;
            bool balance = segment || hidden?.HidesBalanceOf(s.Segment) == true;
            row.Add(s.Stability is { } st ? churn ? Suppressed : F($"{st.Jaccard:0.000}") : "—");
            row.Add(s.Stability is { } j ? churn ? Suppressed : F($"{100 * j.ChurnInShare:0.0} %") : "—");
            row.Add(s.Stability is { } l ? left ? Suppressed : F($"{100 * l.ChurnOutShare:0.0} %") : "—");
            row.Add(s.Balance is { } b ? balance ? Suppressed : F($"{b.MaxAbsD:0.000}") : "—");
            row.Add(s.Balance?.SampleRatio is { } srm ? balance ? Suppressed : F($"{srm.PValue:G3}") : "—");
            int flagged = s.Composition.Count(g => g.UnderRepresented);
            row.Add(segment ? Suppressed : flagged == 0 ? "ok" : F($"{flagged} left out"));
            rows.Add(row.ToArray());
        }
        if (report.Balance is { } all)
        {
            // Every assigned customer of the export: the balance the holdout measurement relies on.
            bool balance = hidden?.HidesBalanceOf(null) == true;
            var row = new List<string> { "(all assigned)", hidden?.ArmTotals.Contains("") == true ? Suppressed : F($"{all.Counts.Sum():N0}") };
            row.AddRange(Enumerable.Repeat("—", header.Count - 5));
            row.AddRange([balance ? Suppressed : F($"{all.MaxAbsD:0.000}"), all.SampleRatio is { } p ? balance ? Suppressed : F($"{p.PValue:G3}") : "—", "—"]);
            rows.Add(row.ToArray());
        }
        return rows;
    }

    private static bool Hidden(AudienceValidationReport report, SegmentValidation segment) => report.Suppression?.Segments.Contains(segment.Segment) == true;

    private static void AppendFindings(StringBuilder text, AudienceValidationReport report, string bullet)
    {
        foreach (var (status, title) in new[] { (GuardrailStatus.Breach, "Breaches"), (GuardrailStatus.Warn, "Warnings") })
        {
            var lines = report.Checks.Where(c => c.Status == status).Select(c => c.Message).ToArray();
            if (lines.Length == 0)
            {
                continue;
            }
            text.Append(bullet == "- " ? $"## {title}\n\n" : $"{title}:\n");
            foreach (string line in lines)
            {
                text.Append(bullet).Append(line).Append('\n');
            }
            if (bullet == "- ")
            {
                text.Append('\n');
            }
        }
    }

    private static void AppendTable(StringBuilder md, IReadOnlyList<string[]> rows)
    {
        md.Append("| ").Append(string.Join(" | ", rows[0].Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))).Append(" |\n");
        md.Append('|').Append(string.Concat(rows[0].Select(_ => "---|"))).Append('\n');
        foreach (var row in rows.Skip(1))
        {
            md.Append("| ").Append(string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))).Append(" |\n");
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
