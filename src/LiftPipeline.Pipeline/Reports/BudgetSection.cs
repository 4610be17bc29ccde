using System.Globalization;
using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Decisions.Budget;
using LiftPipeline.Statistics.Measurement;
using static LiftPipeline.Pipeline.Reports.ReportText;
using static LiftPipeline.Pipeline.Reports.Svg.Markup;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// Both budget recommendations over a set of options (docs/decisions.md, "Budget recommendation"):
/// <see cref="EqualMarginalReturn"/> and <see cref="ThompsonShares"/> with <see cref="ReallocationOptions.Default"/>
/// (seeded, so the same inputs give the same bytes), or why none was made.
/// </summary>
/// <param name="Options">The options, in input order.</param>
/// <param name="Settings">The settings used.</param>
/// <param name="EqualMarginal">The deterministic recommendation; null when refused.</param>
/// <param name="Thompson">The recommendation under uncertainty; null when refused.</param>
/// <param name="Refused">Why no recommendation was made (floors above the budget); null when made.</param>
public sealed record BudgetComparison(IReadOnlyList<BudgetOption> Options, ReallocationOptions Settings, BudgetRecommendation? EqualMarginal,
    BudgetRecommendation? Thompson, string? Refused)
{
    /// <summary>Both recommendations over <paramref name="options"/>; null when there are fewer than two (nothing to move between).</summary>
    public static BudgetComparison? Of(IReadOnlyList<BudgetOption> options, ReallocationOptions? settings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        settings ??= ReallocationOptions.Default;
        if (options.Count < 2)
        {
            return null;
        }
        try
        {
            return new(options, settings, EqualMarginalReturn.Recommend(options, settings), ThompsonShares.Recommend(options, settings), null);
        }
        catch (ArgumentException e)
        {
            return new(options, settings, null, null, e.Message);
        }
    }

    /// <summary>The recommendations over a holdout's treatment arms (<see cref="ArmReturn.Of"/>, named by arm); null with fewer than two.</summary>
    public static BudgetComparison? Of(HoldoutMeasurement measurement) => Of([.. ArmReturn.Of(measurement).Select(a => a.ToOption(a.Treatment))]);

    /// <summary>
    /// One line: the Thompson-share recommendation per option with its probability of being best, e.g.
    /// <c>vbo 25,456 → 20,365 (best 9%), vbo_1p 25,712 → 30,803 (best 91%)</c>; or why none was made.
    /// </summary>
    public string Headline() => Thompson is not { } t ? $"no recommendation: {Refused}"
        : string.Join(", ", t.Allocations.Select(a => $"{a.Name} {Whole(a.CurrentSpend)} → {Whole(a.RecommendedSpend)} (best {Percent(a.ProbabilityBest ?? double.NaN)})"))
          + $"; at most ±{Percent(Settings.MaxMove)} a period, assumptions in the report";

    /// <summary>The assumptions every recommendation rests on, in words, with the settings' numbers.</summary>
    public IReadOnlyList<string> Assumptions() =>
    [
        "Posterior: each option's true iROAS is normal around its estimate with its standard error (flat prior, normal likelihood; SE from the iROAS interval).",
        "Independence: the options' estimates are independent; arms measured against one shared control are not quite, so the probability of being best is approximate.",
        Settings.Elasticity >= 1
            ? "Response: incremental revenue is proportional to spend (elasticity 1, a constant iROAS); the measured iROAS speaks only for spends near the current one."
            : $"Response: incremental revenue is a·spend^b with elasticity b = {Number(Settings.Elasticity)} (diminishing returns), matched to the measured iROAS at current spend.",
        "Fixed total: budget moves between the options; whether to spend more in total is a separate question (an iROAS above 1 breaks even).",
        $"Bounds per period: no option moves more than {Percent(Settings.MaxMove)} of its current spend, and each keeps at least {Percent(Settings.FloorShare)} of the total so it can be re-measured (with its holdout) next period.",
        $"Thompson shares: {Settings.Draws.ToString("N0", CultureInfo.InvariantCulture)} posterior draws from seed {Settings.Seed.ToString(CultureInfo.InvariantCulture)}.",
    ];

    /// <summary>The "Budget" section of an HTML page: the two recommendations side by side and the assumptions.</summary>
    public void WriteHtml(StringBuilder sb, string heading = "Budget")
    {
        ArgumentNullException.ThrowIfNull(sb);
        sb.Append(CultureInfo.InvariantCulture, $"<h2>{Html(heading)}</h2>\n");
        if (EqualMarginal is null || Thompson is null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<p>No budget recommendation: {Html(Refused ?? "")}</p>\n");
            return;
        }
        sb.Append(CultureInfo.InvariantCulture, $"<p>Next period's spend of the total {Html(Number(EqualMarginal.Budget))}, moved between the options by equal marginal return (on the point estimates) and by Thompson-sampling shares (how often each option is best under its posterior).</p>\n");
        sb.Append("<table class=\"budget\" style=\"font-size:.8rem\">\n<thead><tr><th>Option</th><th>iROAS (SE)</th><th>Current spend</th><th>Equal marginal return</th><th>P(best)</th><th>Thompson shares</th><th>Bounds</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < Options.Count; i++)
        {
            var (o, e, t) = (Options[i], EqualMarginal.Allocations[i], Thompson.Allocations[i]);
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{Html(o.Name)}</td><td>{Number(o.Iroas)} ({Number(o.StandardError)})</td><td>{Number(o.CurrentSpend)}</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td>{Number(e.RecommendedSpend)} ({Html(Signed(e.Change))})</td><td>{Percent(t.ProbabilityBest ?? double.NaN)}</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td>{Number(t.RecommendedSpend)} ({Html(Signed(t.Change))})</td><td>{Number(e.LowerBound)}–{Number(e.UpperBound)}</td></tr>\n");
        }
        sb.Append("</tbody>\n</table>\n<p class=\"meta\">Assumptions:</p>\n<ul class=\"meta\">\n");
        foreach (var line in Assumptions())
        {
            sb.Append(CultureInfo.InvariantCulture, $"<li>{Html(line)}</li>\n");
        }
        sb.Append("</ul>\n");
    }

    /// <summary>The "Budget" section as Markdown.</summary>
    public void WriteMarkdown(StringBuilder sb, string heading = "Budget")
    {
        ArgumentNullException.ThrowIfNull(sb);
        sb.Append(CultureInfo.InvariantCulture, $"\n## {heading}\n\n");
        if (EqualMarginal is null || Thompson is null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"No budget recommendation: {Markdown(Refused ?? "")}\n");
            return;
        }
        sb.Append("| option | iROAS (SE) | current spend | equal marginal return | P(best) | Thompson shares | bounds |\n|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < Options.Count; i++)
        {
            var (o, e, t) = (Options[i], EqualMarginal.Allocations[i], Thompson.Allocations[i]);
            sb.Append(CultureInfo.InvariantCulture, $"| {Markdown(o.Name)} | {Number(o.Iroas)} ({Number(o.StandardError)}) | {Number(o.CurrentSpend)} | {Number(e.RecommendedSpend)} ({Signed(e.Change)}) | ");
            sb.Append(CultureInfo.InvariantCulture, $"{Percent(t.ProbabilityBest ?? double.NaN)} | {Number(t.RecommendedSpend)} ({Signed(t.Change)}) | {Number(e.LowerBound)} to {Number(e.UpperBound)} |\n");
        }
        sb.Append("\nAssumptions:\n\n");
        foreach (var line in Assumptions())
        {
            sb.Append(CultureInfo.InvariantCulture, $"- {Markdown(line)}\n");
        }
    }

    /// <summary>
    /// <c>"budget": {"assumptions", "maxMove", "floorShare", "elasticity", "draws", "seed", "total", "refused",
    /// "options": [{"name", "iroas", "se", "currentSpend"}], "equalMarginalReturn": {"marginalReturn", "allocations"},
    /// "thompsonShares": {"allocations"}}</c>; each allocation <c>{"name", "current", "recommended", "lower", "upper"}</c>
    /// (Thompson's with <c>"probabilityBest"</c>).
    /// </summary>
    public void WriteJson(Utf8JsonWriter w, string property = "budget")
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject(property);
        w.WriteStrings("assumptions", Assumptions());
        w.WriteNumber("maxMove", Settings.MaxMove);
        w.WriteNumber("floorShare", Settings.FloorShare);
        w.WriteNumber("elasticity", Settings.Elasticity);
        w.WriteNumber("draws", Settings.Draws);
        w.WriteNumber("seed", Settings.Seed);
        w.WriteFinite("total", EqualMarginal?.Budget ?? double.NaN);
        w.WriteStringOrNull("refused", Refused);
        w.WriteStartArray("options");
        foreach (var o in Options)
        {
            w.WriteStartObject();
            w.WriteString("name", o.Name);
            w.WriteFinite("iroas", o.Iroas);
            w.WriteFinite("se", o.StandardError);
            w.WriteFinite("currentSpend", o.CurrentSpend);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteRecommendation(w, "equalMarginalReturn", EqualMarginal);
        WriteRecommendation(w, "thompsonShares", Thompson);
        w.WriteEndObject();
    }

    private static void WriteRecommendation(Utf8JsonWriter w, string property, BudgetRecommendation? recommendation)
    {
        if (recommendation is null)
        {
            w.WriteNull(property);
            return;
        }
        w.WriteStartObject(property);
        if (recommendation.Method == EqualMarginalReturn.Method)
        {
            w.WriteFinite("marginalReturn", recommendation.MarginalReturn);
        }
        w.WriteStartArray("allocations");
        foreach (var a in recommendation.Allocations)
        {
            w.WriteStartObject();
            w.WriteString("name", a.Name);
            w.WriteFinite("current", a.CurrentSpend);
            w.WriteFinite("recommended", a.RecommendedSpend);
            w.WriteFinite("lower", a.LowerBound);
            w.WriteFinite("upper", a.UpperBound);
            if (a.ProbabilityBest is { } p)
            {
                w.WriteNumber("probabilityBest", p);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Signed(double change) => change > 0 && Number(change) != "0" ? "+" + Number(change) : Number(change);
}
