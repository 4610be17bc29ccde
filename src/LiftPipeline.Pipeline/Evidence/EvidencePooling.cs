using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Decisions.Budget;
using LiftPipeline.Statistics.Decisions.Evidence;
using static LiftPipeline.Pipeline.Reports.ReportText;

namespace LiftPipeline.Pipeline.Evidence;

/// <summary>One campaign's estimate in a pooled contrast, on both scales.</summary>
/// <param name="Campaign">Campaign id.</param>
/// <param name="Running">True when the campaign's test has not concluded (its estimate may still change).</param>
/// <param name="Relative">The released relative lift.</param>
/// <param name="RelativeStandardError">Its standard error.</param>
/// <param name="Effect">y = ln(1 + relative).</param>
/// <param name="Variance">v = (SE/(1 + relative))².</param>
public sealed record PooledStudy(string Campaign, bool Running, double Relative, double RelativeStandardError, double Effect, double Variance);

/// <summary>One segment, surface or market pooled across campaigns.</summary>
/// <param name="Level">The segment, surface or market.</param>
/// <param name="Studies">Its campaigns' estimates.</param>
/// <param name="Result">The meta-analysis of them alone (log scale).</param>
public sealed record PooledSubgroup(string Level, IReadOnlyList<PooledStudy> Studies, MetaAnalysisResult Result)
{
    /// <summary>"helps" when the pooled interval lies above 0, "hurts" when below, "not" when it includes 0.</summary>
    public string Verdict => EvidencePooling.Verdict(Result);
}

/// <summary>A subgroup analysis by one dimension.</summary>
/// <param name="Dimension">"segment", "surface" or "market".</param>
/// <param name="Groups">One pooled estimate per level, ordered by level.</param>
/// <param name="Between">Q-between: do the levels' pooled effects differ?</param>
/// <param name="Excluded">Rows of this dimension left out (1 + relative ≤ 0 or no finite SE).</param>
public sealed record PooledDimension(string Dimension, IReadOnlyList<PooledSubgroup> Groups, HeterogeneityTest Between, int Excluded);

/// <summary>One comparable contrast — the same (treatment, control, metric) in at least two campaigns — pooled.</summary>
/// <param name="Treatment">The treatment arm.</param>
/// <param name="Control">The arm it is compared with.</param>
/// <param name="Metric">The outcome.</param>
/// <param name="Studies">One overall estimate per campaign, ordered by campaign.</param>
/// <param name="Excluded">Overall rows left out (1 + relative ≤ 0 or no finite SE).</param>
/// <param name="Result">The random-effects meta-analysis on the log scale.</param>
/// <param name="Dimensions">Subgroup analyses by segment, surface and market (those with rows).</param>
public sealed record PooledContrast(string Treatment, string Control, string Metric, IReadOnlyList<PooledStudy> Studies, int Excluded,
    MetaAnalysisResult Result, IReadOnlyList<PooledDimension> Dimensions)
{
    /// <summary>The business-case sentence (docs/decisions.md, "Evidence across campaigns: in the pipeline").</summary>
    public string Sentence => EvidencePooling.Sentence(this);
}

/// <summary>Everything on the evidence page: the contributions, the pooled contrasts and the budget across campaigns.</summary>
/// <param name="Contributions">Every contribution, ordered by campaign.</param>
/// <param name="Contrasts">The pooled contrasts, 1P+VBO vs VBO (<see cref="EvidencePooling.PrimaryTreatment"/>:<see cref="EvidencePooling.PrimaryControl"/>) first.</param>
/// <param name="Budget">Both budget recommendations over the arms with an iROAS of every campaign still running; null with fewer than two.</param>
public sealed record EvidenceSummary(IReadOnlyList<Contribution> Contributions, IReadOnlyList<PooledContrast> Contrasts, BudgetComparison? Budget);

/// <summary>
/// Pools the contributions of holdout campaigns: for each (treatment, control, metric) overall in at least two campaigns,
/// <see cref="MetaAnalysis.Pool(IReadOnlyList{StudyEstimate}, MetaAnalysisOptions?)"/> (defaults: REML, modified
/// Hartung–Knapp) on y = ln(1 + relative lift), and <see cref="SubgroupAnalysis.Run"/> by segment, surface and market.
/// Pure and deterministic: the same contributions give the same summary, whatever their order.
/// </summary>
public static class EvidencePooling
{
    /// <summary>The treatment arm of the business-case contrast, listed first: VBO seeded with the 1P audience.</summary>
    public const string PrimaryTreatment = "vbo_1p";

    /// <summary>The control of the business-case contrast: VBO alone.</summary>
    public const string PrimaryControl = "vbo";

    private static readonly string[] Dimensions = ["segment", "surface", "market"];

    /// <summary>Pools <paramref name="contributions"/> with <paramref name="options"/> (<see cref="MetaAnalysisOptions.Default"/> when null).</summary>
    public static EvidenceSummary Summarize(IReadOnlyList<Contribution> contributions, MetaAnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        options ??= MetaAnalysisOptions.Default;
        var sorted = contributions.OrderBy(c => c.Campaign, StringComparer.Ordinal).ToArray();
        var keys = new List<(string Treatment, string Control, string Metric)>();
        foreach (var c in sorted)
        {
            foreach (var row in c.Contrasts)
            {
                if (row.Dimension is null && !keys.Contains((row.Treatment, row.Control, row.Metric)))
                {
                    keys.Add((row.Treatment, row.Control, row.Metric));
                }
            }
        }
        var pooled = new List<PooledContrast>();
        foreach (var key in keys.OrderBy(k => k.Treatment == PrimaryTreatment && k.Control == PrimaryControl ? 0 : 1)
            .ThenBy(k => k.Treatment, StringComparer.Ordinal).ThenBy(k => k.Control, StringComparer.Ordinal))
        {
            var (studies, excluded) = Studies(sorted, key, null);
            if (studies.Count < 2)
            {
                continue;
            }
            var result = MetaAnalysis.Pool(Estimates(studies, null), options);
            var dimensions = new List<PooledDimension>();
            foreach (var dimension in Dimensions)
            {
                var (rows, dropped) = Studies(sorted, key, dimension);
                if (rows.Count > 0)
                {
                    dimensions.Add(Subgroups(dimension, rows, dropped, options));
                }
            }
            pooled.Add(new PooledContrast(key.Treatment, key.Control, key.Metric, [.. studies.Select(s => s.Study)], excluded, result, dimensions));
        }
        // Money moves only between options still being bought: the arms of campaigns that have not concluded.
        var budget = BudgetComparison.Of([.. sorted.Where(c => !c.Concluded).SelectMany(c => c.Arms.Select(a => a.ToOption($"{c.Campaign}: {a.Treatment}")))]);
        return new EvidenceSummary(sorted, pooled, budget);
    }

    /// <summary>A log-scale value back on the relative scale: exp(x) − 1.</summary>
    public static double Lift(double logValue) => Math.Exp(logValue) - 1;

    /// <summary>A log-scale value as a signed relative lift, "+6.1%" (the sign makes a lift read as one).</summary>
    internal static string SignedLift(double logValue) => (logValue > 0 ? "+" : "") + Percent(Lift(logValue));

    /// <summary>"+6.1% [+2.0%, +10.3%]": a pooled estimate and its interval back on the relative scale.</summary>
    internal static string WithInterval(MetaAnalysisResult r) => $"{SignedLift(r.Estimate)} [{SignedLift(r.Lower)}, {SignedLift(r.Upper)}]";

    /// <summary>"helps" when the interval lies above 0, "hurts" when below, "not" when it includes 0.</summary>
    public static string Verdict(MetaAnalysisResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Lower > 0 ? "helps" : result.Upper < 0 ? "hurts" : "not";
    }

    /// <summary>
    /// "Across 4 tests, vbo_1p added +6.1% [2.0%, 10.3%] revenue over vbo; it helps in segment vip (+18.0% [..]), not in
    /// segment new (..)." Subgroups pooled from at least two campaigns are named: helps / hurts when their interval
    /// excludes 0, "not" when it includes 0.
    /// </summary>
    internal static string Sentence(PooledContrast p)
    {
        var r = p.Result;
        int running = p.Studies.Count(s => s.Running);
        string tests = $"Across {p.Studies.Count} tests" + (running > 0 ? $" ({running} still running)" : "");
        string interval = WithInterval(r);
        string main = Verdict(r) switch
        {
            "helps" => $"{tests}, {p.Treatment} added {interval} {p.Metric} over {p.Control}",
            "hurts" => $"{tests}, {p.Treatment} lowered {p.Metric} by {interval} against {p.Control}",
            _ => $"{tests}, {p.Treatment} changed {p.Metric} by {interval} against {p.Control}, an interval that includes 0",
        };
        var named = p.Dimensions.SelectMany(d => d.Groups.Where(g => g.Studies.Count >= 2)
            .Select(g => (g.Verdict, Text: $"{d.Dimension} {g.Level} ({WithInterval(g.Result)})"))).ToArray();
        var clauses = new List<string>();
        foreach (var (verdict, lead) in new[] { ("helps", "it helps in "), ("hurts", "it hurts in "), ("not", "not in ") })
        {
            var texts = named.Where(n => n.Verdict == verdict).Select(n => n.Text).ToArray();
            if (texts.Length > 0)
            {
                clauses.Add((clauses.Count == 0 && verdict == "not" ? "it helps clearly in no subgroup, " : "") + lead + string.Join(", ", texts));
            }
        }
        return main + (clauses.Count > 0 ? "; " + string.Join("; ", clauses) : "") + ".";
    }

    private static PooledDimension Subgroups(string dimension, List<(PooledStudy Study, string? Level)> rows, int excluded, MetaAnalysisOptions options)
    {
        var ordered = rows.OrderBy(r => r.Level, StringComparer.Ordinal).ThenBy(r => r.Study.Campaign, StringComparer.Ordinal).ToArray();
        var analysis = SubgroupAnalysis.Run(Estimates(ordered, dimension), options);
        var groups = analysis.Subgroups.Select(g => new PooledSubgroup(g.Group, [.. ordered.Where(r => r.Level == g.Group).Select(r => r.Study)], g.Result)).ToArray();
        return new PooledDimension(dimension, groups, analysis.Between, excluded);
    }

    private static StudyEstimate[] Estimates(IReadOnlyList<(PooledStudy Study, string? Level)> studies, string? dimension) =>
        [.. studies.Select(s => new StudyEstimate(s.Study.Campaign, s.Study.Effect, s.Study.Variance, dimension is null ? null : s.Level))];

    /// <summary>The usable rows of <paramref name="key"/> (overall when <paramref name="dimension"/> is null) and how many were left out.</summary>
    private static (List<(PooledStudy Study, string? Level)> Studies, int Excluded) Studies(Contribution[] sorted, (string Treatment, string Control, string Metric) key, string? dimension)
    {
        var studies = new List<(PooledStudy, string?)>();
        int excluded = 0;
        foreach (var c in sorted)
        {
            foreach (var row in c.Contrasts)
            {
                if (row.Treatment != key.Treatment || row.Control != key.Control || row.Metric != key.Metric || row.Dimension != dimension)
                {
                    continue;
                }
                if (row.TryLogLift(out double y, out double v))
                {
                    studies.Add((new PooledStudy(c.Campaign, !c.Concluded, row.Relative, row.RelativeStandardError, y, v), row.Level));
                }
                else
                {
                    excluded++;
                }
                if (dimension is null)
                {
                    break;   // one overall row per campaign
                }
            }
        }
        return (studies, excluded);
    }
}
