using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Tests.Reports;

public sealed class ReportMarkdownTests
{
    [Fact]
    public void Markdown_headline_states_att_interval_lift_incremental_and_recommendation()
    {
        var report = ReportSamples.Report();
        var u = report.Primary!.Uncertainty!;
        var markdown = ReportMarkdown.ToMarkdown(report);
        string low = Math.Round(u.CiLow, 3).ToString("#,##0.###", System.Globalization.CultureInfo.InvariantCulture);
        string high = Math.Round(u.CiHigh, 3).ToString("#,##0.###", System.Globalization.CultureInfo.InvariantCulture);
        string action = report.Recommendation.ToString().ToLowerInvariant();

        Assert.Contains($"Campaign geo-test: ATT 155.556 (95% CI {low} to {high}), lift 5.4%, incremental 4,667; recommendation {action}.", markdown, StringComparison.Ordinal);
        Assert.Contains($"**Recommendation: {action}.**", markdown, StringComparison.Ordinal);
        Assert.StartsWith("# Lift report: geo-test\n", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_has_a_table_per_estimate_and_lists_the_guardrails()
    {
        var markdown = ReportMarkdown.ToMarkdown(ReportSamples.Report());

        Assert.Contains("\n## geolift\n\n| Quantity | Value |\n|---|---|\n| ATT | 155.556 |\n", markdown, StringComparison.Ordinal);
        Assert.Contains("\n## did\n\n| Quantity | Value |\n", markdown, StringComparison.Ordinal);
        Assert.Contains("| Lift | 5.4% |\n", markdown, StringComparison.Ordinal);
        Assert.Contains("| Inference | placebo, 20 replications |\n", markdown, StringComparison.Ordinal);
        Assert.Contains("- **pre-fit**: pass. Pre-period fit is good.\n", markdown, StringComparison.Ordinal);
        Assert.Contains("- **power**: warn. Power is below 80% for the planned effect.\n", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_escapes_table_breaking_and_html_characters()
    {
        var report = ReportSamples.Report() with
        {
            Guardrails = [new GuardrailResult("data|quality", GuardrailStatus.Breach, "Unit <b>x</b> has *spikes*.", new Dictionary<string, double>())],
        };

        var markdown = ReportMarkdown.ToMarkdown(report);

        Assert.Contains("- **data\\|quality**: breach. Unit &lt;b&gt;x&lt;/b&gt; has \\*spikes\\*.\n", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", markdown, StringComparison.Ordinal);
    }
}
