using System.Text.Json;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Tests.Experiments;

/// <summary>
/// A guardrail metric whose always-valid interval shows harm is marked wherever a holdout is read: the HTML contrast row
/// and forest plot, the headline, the Markdown, the JSON and the CLI table, each with a word, not colour alone.
/// </summary>
public sealed class HoldoutHarmMarkingTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);
    private static readonly HarmCheck Unsubscribes = new("unsubscribes", 0.05, HigherIsBetter: false);

    private static HoldoutContrast Contrast(string metric, double relative, Interval alwaysValid, string? segment = null) => new()
    {
        Treatment = "vbo_1p", Control = "holdout", Metric = metric, Segment = segment, TreatmentN = 1000, ControlN = 1000,
        TreatmentMean = 10 * (1 + relative), ControlMean = 10, Absolute = 10 * relative, Relative = relative,
        Ci = new Interval(10 * relative - 1, 10 * relative + 1), RelativeCi = new Interval(relative - 0.05, relative + 0.05),
        AlwaysValidRelativeCi = alwaysValid, PValue = 0.01, PAdjusted = segment is null ? null : 0.03,
    };

    /// <summary>Revenue up, and unsubscribes up by 12% with the always-valid interval 6% to 18% (harmed beyond the 5% margin) or −2% to 26% (not shown).</summary>
    private static HoldoutMeasurement Measurement(bool harmed)
    {
        var unsubscribes = harmed ? new Interval(0.06, 0.18) : new Interval(-0.02, 0.26);
        HoldoutContrast[] contrasts =
        [
            Contrast("revenue", 0.2, new Interval(0.05, 0.35)),
            Contrast("unsubscribes", 0.12, unsubscribes),
            Contrast("unsubscribes", 0.1, new Interval(-0.1, 0.3), segment: "new"),
            Contrast("unsubscribes", 0.14, new Interval(-0.1, 0.4), segment: "loyal"),
        ];
        return new HoldoutMeasurement("holdout", 0.95, [new ArmCount("holdout", 1000, 3, 0), new ArmCount("vbo_1p", 1000, 800, 2500)], contrasts, [], [])
        {
            Harms = HoldoutGuardrails.Harms(contrasts, "holdout", [Unsubscribes]),
        };
    }

    private static HoldoutReport Report(bool harmed) => HoldoutReport.Create("vbo-test", "run-1", At, Measurement(harmed));

    private const string Sentence = "Guardrail harm: vbo_1p harms unsubscribes: 12.0% (always-valid interval 6.0% to 18.0%) is worse than the 5.0% margin.";

    [Fact]
    public void The_rule_marks_only_an_always_valid_interval_wholly_beyond_the_margin_in_the_bad_direction()
    {
        HoldoutContrast At(Interval ci) => Contrast("unsubscribes", (ci.Lower + ci.Upper) / 2, ci);
        HoldoutContrast[] contrasts = [At(new Interval(0.051, 0.2)), At(new Interval(0.049, 0.2)), At(new Interval(-0.2, -0.051))];

        var lowerIsBetter = HoldoutGuardrails.Harms(contrasts, "holdout", [Unsubscribes]);
        var higherIsBetter = HoldoutGuardrails.Harms(contrasts, "holdout", [Unsubscribes with { HigherIsBetter = true }]);

        Assert.Equal(contrasts[0], Assert.Single(lowerIsBetter).Contrast);
        Assert.Equal(contrasts[2], Assert.Single(higherIsBetter).Contrast);
        Assert.Empty(HoldoutGuardrails.Harms(contrasts, "vbo", [Unsubscribes]));   // only contrasts against the control are guardrails
    }

    [Fact]
    public void Html_marks_the_harmed_row_its_forest_plot_row_and_the_headline_and_a_clean_holdout_has_no_mark()
    {
        string html = HoldoutReport.ToHtml(Report(harmed: true));
        string clean = HoldoutReport.ToHtml(Report(harmed: false));

        Assert.Equal(1, CountOf(html, "<tr class=\"harm\">"));
        var row = html.Split('\n').Single(l => l.StartsWith("<tr class=\"harm\">", StringComparison.Ordinal));
        Assert.Contains("<td>unsubscribes <strong class=\"harm-flag\">harmed</strong></td>", row);
        Assert.Contains("tr.harm td{background:#fde2e1;color:#b42318}", html);
        Assert.Contains($"<p class=\"headline\">Campaign vbo-test: vbo_1p vs holdout on revenue: relative lift 20.0%", html);
        Assert.Contains(Sentence + "</p>", html);
        // The unsubscribes forest plot labels and colours its overall row; revenue has no segments, so no plot.
        Assert.Equal(1, CountOf(html, "<svg class=\"chart forest\""));
        Assert.Contains("class=\"label harm\"", html);
        Assert.Contains(">harm: overall</text>", html);
        Assert.Contains("class=\"point harm\"", html);
        Assert.Contains("The row marked “harm” is a guardrail metric whose always-valid interval lies beyond the 5.0% margin.", html);

        foreach (var mark in (string[])["<tr class=\"harm\">", "harm-flag\">", "Guardrail harm", "label harm", "point harm", "marked “harm"])
        {
            Assert.DoesNotContain(mark, clean);
        }
    }

    [Fact]
    public void Markdown_marks_the_harmed_row_with_a_word_and_states_the_harm_under_the_recommendation()
    {
        string markdown = HoldoutReport.ToMarkdown(Report(harmed: true));
        string clean = HoldoutReport.ToMarkdown(Report(harmed: false));

        var row = markdown.Split('\n').Single(l => l.Contains("| unsubscribes", StringComparison.Ordinal));
        Assert.StartsWith("| vbo\\_1p vs holdout | unsubscribes **⚠ harmed** | 1.2 | 12.0% |", row);
        Assert.Contains("**Guardrail harm:** vbo\\_1p harms unsubscribes: 12.0% (always-valid interval 6.0% to 18.0%) is worse than the 5.0% margin.\n", markdown);
        Assert.DoesNotContain("harmed", clean);
        Assert.DoesNotContain("Guardrail harm", clean);
    }

    [Fact]
    public void Json_flags_the_harmed_contrast_and_no_other()
    {
        using var json = JsonDocument.Parse(ReportJson.ToJson(Report(harmed: true)));
        using var clean = JsonDocument.Parse(ReportJson.ToJson(Report(harmed: false)));

        Assert.Equal([false, true, false, false], json.RootElement.GetProperty("contrasts").EnumerateArray().Select(c => c.GetProperty("harmed").GetBoolean()));
        Assert.All(clean.RootElement.GetProperty("contrasts").EnumerateArray(), c => Assert.False(c.GetProperty("harmed").GetBoolean()));
    }

    [Fact]
    public void The_cli_table_marks_the_harmed_row_with_a_word()
    {
        string Render(bool harmed)
        {
            var output = new StringWriter();
            HoldoutView.Render(ConsoleFactory.Create(output), "customers.parquet", Measurement(harmed));
            return output.ToString();
        }

        // The mark is the second line of the harmed row's comparison cell, once.
        var lines = Render(harmed: true).Split('\n');
        int row = Array.FindIndex(lines, l => l.Contains("│ unsubscribes", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("⚠ harmed", StringComparison.Ordinal));
        Assert.StartsWith("│ ⚠ harmed ", lines[row + 1]);
        Assert.DoesNotContain("harmed", lines.Single(l => l.Contains("│ revenue", StringComparison.Ordinal)));
        Assert.DoesNotContain("harmed", Render(harmed: false));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;
}
