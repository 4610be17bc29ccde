using System.Text.Json;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Tests.Experiments;

public sealed class HoldoutReportTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    private static HoldoutContrast Contrast(string treatment, double relative, Interval alwaysValid, string? segment = null) => new()
    {
        Treatment = treatment, Control = "holdout", Metric = "revenue", Segment = segment, TreatmentN = 1000, ControlN = 1000,
        TreatmentMean = 10 * (1 + relative), ControlMean = 10, Absolute = 10 * relative, Relative = relative,
        Ci = new Interval(10 * relative - 1, 10 * relative + 1), RelativeCi = new Interval(relative - 0.1, relative + 0.1),
        AlwaysValidRelativeCi = alwaysValid, PValue = 0.01, PAdjusted = segment is null ? null : 0.03, Iroas = 2.5,
    };

    private static HoldoutMeasurement Measurement(IReadOnlyList<HoldoutContrast> contrasts, params GuardrailResult[] guardrails) =>
        new("holdout", 0.95, [new ArmCount("holdout", 1000, 3, 0), new ArmCount("vbo_1p", 1000, 800, 2500)], contrasts, [], guardrails);

    [Theory]
    [InlineData(0.2, 0.05, 0.35, "Scale")]
    [InlineData(-0.2, -0.35, -0.05, "Stop")]
    [InlineData(0.2, -0.01, 0.41, "Extend")]
    public void The_recommendation_reads_the_primary_contrasts_always_valid_interval(double relative, double lower, double upper, string expected)
    {
        var report = HoldoutReport.Create("vbo-test", "run-1", At, Measurement([Contrast("vbo_1p", relative, new Interval(lower, upper))]));

        Assert.Equal(expected, report.Recommendation.ToString());
    }

    [Fact]
    public void A_breached_guardrail_holds_whatever_the_interval_says()
    {
        var srm = new GuardrailResult("srm", GuardrailStatus.Breach, "Sample ratio mismatch", new Dictionary<string, double> { ["pValue"] = 1e-9 });

        var report = HoldoutReport.Create("vbo-test", "run-1", At, Measurement([Contrast("vbo_1p", 0.2, new Interval(0.05, 0.35))], srm));

        Assert.Equal(Recommendation.Hold, report.Recommendation);
        Assert.Contains("srm", report.RecommendationReason);
    }

    [Fact]
    public void The_json_html_and_markdown_carry_the_contrasts_and_a_forest_plot_per_contrast_with_segments()
    {
        var report = HoldoutReport.Create("vbo-test", "run-1", At, Measurement([
            Contrast("vbo_1p", 0.2, new Interval(0.05, 0.35)),
            Contrast("vbo_1p", 0.3, new Interval(0.01, 0.6), segment: "<loyal>"),
            Contrast("vbo_1p", 0.1, new Interval(-0.2, 0.4), segment: "new"),
        ]));

        using var json = JsonDocument.Parse(ReportJson.ToJson(report));
        var contrasts = json.RootElement.GetProperty("contrasts");
        Assert.Equal(3, contrasts.GetArrayLength());
        Assert.Equal(0.2, contrasts[0].GetProperty("relative").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, contrasts[0].GetProperty("pAdjusted").ValueKind);
        Assert.Equal(0.03, contrasts[1].GetProperty("pAdjusted").GetDouble(), 12);
        Assert.Equal([0.05, 0.35], contrasts[0].GetProperty("ciAlwaysValidRelative").EnumerateArray().Select(v => v.GetDouble()));
        string html = HoldoutReport.ToHtml(report);
        Assert.Equal(1, CountOf(html, "<svg class=\"chart forest\""));
        Assert.Contains("segment &lt;loyal&gt;", html);
        Assert.DoesNotContain("<loyal>", html);
        string markdown = HoldoutReport.ToMarkdown(report);
        Assert.Contains("**Recommendation: scale.**", markdown);
        Assert.Contains("segment <loyal>".Replace("<", "&lt;").Replace(">", "&gt;"), markdown);
    }

    [Theory]
    [InlineData(null, "Scale", "vbo vs holdout")]
    [InlineData("vbo_1p:vbo", "Extend", "vbo_1p vs vbo")]
    [InlineData("vbo:vbo_1p", "Stop", "vbo vs vbo_1p")]
    public void With_three_arms_the_chosen_primary_contrast_drives_the_recommendation(string? primary, string expected, string subject)
    {
        HoldoutContrast Pair(string treatment, string control, double lower, double upper) =>
            Contrast(treatment, (lower + upper) / 2, new Interval(lower, upper)) with { Control = control };
        var measurement = new HoldoutMeasurement("holdout", 0.95, [new ArmCount("holdout", 1000, 3, 0), new ArmCount("vbo", 2000, 1600, 800), new ArmCount("vbo_1p", 2000, 1600, 800)],
            [Pair("vbo", "holdout", 0.01, 0.09), Pair("vbo_1p", "holdout", 0.02, 0.1), Pair("vbo_1p", "vbo", -0.01, 0.05), Pair("vbo", "vbo_1p", -0.04, -0.005)], [], [])
        {
            PrimaryContrast = primary is null ? null : (HoldoutSettings.TryParseContrast(primary, out var c) is null ? c : null),
        };

        var report = HoldoutReport.Create("vbo-test", "run-1", At, measurement);

        Assert.Equal(expected, report.Recommendation.ToString());
        Assert.Equal($"{subject} on revenue (relative)", report.Decision.Basis!.Subject);
        Assert.Contains(subject, report.RecommendationReason);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;
}
