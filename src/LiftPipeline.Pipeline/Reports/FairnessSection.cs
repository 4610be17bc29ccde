using System.Globalization;
using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Measurement;
using static LiftPipeline.Pipeline.Reports.ReportText;
using static LiftPipeline.Pipeline.Reports.Svg.Markup;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// The holdout report's "Effects by group" section (<see cref="HoldoutMeasurement.Fairness"/>): per breakdown, each
/// group's relative effect on the primary contrast with its interval and Holm-adjusted harm p-value, Cochran's Q, and
/// whether a beneficial overall effect harms a group. Effects are shown on the metric's own scale (not negated).
/// </summary>
internal static class FairnessSection
{
    /// <summary>The HTML tables; nothing without checks.</summary>
    public static void WriteHtml(StringBuilder sb, HoldoutMeasurement m)
    {
        foreach (var f in m.Fairness)
        {
            var r = f.Result;
            sb.Append(CultureInfo.InvariantCulture, $"<h2>Effects by {Html(f.Dimension)} (fairness)</h2>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<p>{Html(Summary(f, m.Level))}</p>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<table class=\"fairness\">\n<thead><tr><th>{Html(Title(f.Dimension))}</th><th>Relative lift ({Level(m.Level)} CI)</th><th>Harm p (Holm)</th><th>Verdict</th></tr></thead>\n<tbody>\n");
            foreach (var g in r.Groups)
            {
                sb.Append(g.IsHarmed ? "<tr class=\"harm\">" : "<tr>");
                sb.Append(CultureInfo.InvariantCulture, $"<td>{Html(g.Group)}</td><td>{Html(Lift(f, g.Effect, g.StandardError, m.Level))}</td><td>{Html(PValue(g.AdjustedHarmPValue))}</td><td>{Html(Verdict(g))}</td></tr>\n");
            }
            sb.Append("</tbody>\n</table>\n");
        }
    }

    /// <summary>The Markdown tables; nothing without checks.</summary>
    public static void WriteMarkdown(StringBuilder sb, HoldoutMeasurement m)
    {
        foreach (var f in m.Fairness)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n## Effects by {f.Dimension} (fairness)\n\n{Markdown(Summary(f, m.Level))}\n\n");
            sb.Append(CultureInfo.InvariantCulture, $"| {f.Dimension} | relative lift ({Level(m.Level)} CI) | harm p (Holm) | verdict |\n|---|---|---|---|\n");
            foreach (var g in f.Result.Groups)
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {Markdown(g.Group)} | {Lift(f, g.Effect, g.StandardError, m.Level)} | {PValue(g.AdjustedHarmPValue)} | {Verdict(g)} |\n");
            }
        }
    }

    /// <summary><c>"fairness": [{"dimension","treatment","control","metric","q","df","qPValue","overallBeneficial","harmsAGroup","groups":[…]}]</c>.</summary>
    public static void WriteJson(Utf8JsonWriter writer, HoldoutMeasurement m)
    {
        writer.WriteStartArray("fairness");
        foreach (var f in m.Fairness)
        {
            var r = f.Result;
            writer.WriteStartObject();
            writer.WriteString("dimension", f.Dimension);
            writer.WriteString("treatment", f.Treatment);
            writer.WriteString("control", f.Control);
            writer.WriteString("metric", f.Metric);
            writer.WriteFinite("q", r.Heterogeneity.Q);
            writer.WriteNumber("df", r.Heterogeneity.DegreesOfFreedom);
            writer.WriteFinite("qPValue", r.Heterogeneity.PValue);
            writer.WriteBoolean("overallBeneficial", r.OverallIsBeneficial);
            writer.WriteBoolean("harmsAGroup", r.HarmsAGroup);
            writer.WriteStartArray("groups");
            foreach (var g in r.Groups)
            {
                writer.WriteStartObject();
                writer.WriteString("group", g.Group);
                writer.WriteFinite("relative", Signed(f, g.Effect));
                writer.WriteFinite("standardError", g.StandardError);
                writer.WriteFinite("harmPAdjusted", g.AdjustedHarmPValue);
                writer.WriteBoolean("harmed", g.IsHarmed);
                writer.WriteBoolean("benefiting", g.IsBenefiting);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static string Summary(GroupFairness f, double level)
    {
        var r = f.Result;
        string p = PValue(r.Heterogeneity.PValue);
        string q = $"Cochran's Q = {Number(r.Heterogeneity.Q)} on {r.Heterogeneity.DegreesOfFreedom} df, p {(p.StartsWith('<') ? p : "= " + p)}";
        string verdict = r.HarmsAGroup
            ? "the overall benefit harms a group: do not roll out on the overall number alone"
            : r.Heterogeneity.PValue < r.Alpha ? "the groups' effects differ, but no group is harmed" : "no group is harmed and the groups' effects agree";
        return $"{f.Treatment} vs {f.Control} on {f.Metric}, by {f.Dimension}: {verdict} ({q}; harm is a one-sided test per group at α = {r.Alpha.ToString("0.###", CultureInfo.InvariantCulture)}, Holm-adjusted across the {r.Groups.Count} groups; intervals are {Level(level)}).";
    }

    private static string Lift(GroupFairness f, double effect, double se, double level)
    {
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.5 + level / 2);
        double v = Signed(f, effect);
        return $"{Percent(v)} [{Percent(v - z * se)}, {Percent(v + z * se)}]";
    }

    private static double Signed(GroupFairness f, double effect) => f.HigherIsBetter ? effect : -effect;

    private static string Verdict(Statistics.Decisions.Fairness.GroupVerdict g) => g.IsHarmed ? "harmed" : g.IsBenefiting ? "benefits" : "no clear effect";

    private static string Title(string dimension) => char.ToUpperInvariant(dimension[0]) + dimension[1..];
}
