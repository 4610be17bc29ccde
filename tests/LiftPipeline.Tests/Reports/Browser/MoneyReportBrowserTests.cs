using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Measurement;

namespace LiftPipeline.Tests.Reports.Browser;

/// <summary>
/// A panel report with spend (business-as-usual spend everywhere, so every money cell holds an estimate and its interval,
/// the widest the spend table gets) laid out in headless chromium at 1280 px: no script error, no table wider than the
/// page, no wrapped cell, every chart drawn. Slow (a browser run): Simulation category.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class MoneyReportBrowserTests
{
    [Fact]
    public async Task Panel_report_with_spend_lays_out_its_spend_table_and_always_valid_column_without_overflow()
    {
        var measurement = PanelMeasurer.Measure(SpendPanels.Build(seed: 51, businessAsUsual: true), new PanelMeasureOptions
        {
            Metric = "revenue",
            Estimators = ["sdid", "did"],
            Variance = "placebo",
            VarianceOptions = new VarianceOptions { Replications = 40, Seed = 5 },
        });
        var report = LiftReport.Create("geo-spend", "demo", ReportSamples.GeneratedAt, measurement, []) with { Unit = "EUR" };
        string html = ReportHtml.ToHtml(report);
        Assert.True(HeadlessChromium.Executable is not null,
            "chromium is not installed: the report layout tests need Debian's chromium package (`apt-get install -y chromium`; .ci/run installs it).");
        string screenshots = Path.Combine(AppContext.BaseDirectory, "report-screenshots");
        Directory.CreateDirectory(screenshots);

        var page = await HeadlessChromium.CheckAsync(html, screenshots, "geo-spend");
        await HeadlessChromium.ScreenshotAsync(screenshots, "geo-spend", (int)Math.Ceiling(page.PageHeight));

        Assert.Contains("<table class=\"money\">", html);
        Assert.Empty(page.Errors);
        Assert.True(page.PageWidth <= page.ViewportWidth, $"the page is {page.PageWidth} px wide in a {page.ViewportWidth} px window");
        Assert.Empty(page.Overflows);
        Assert.Empty(page.WrappedCells);
        Assert.Empty(page.ClippedText);
        Assert.Contains(page.Charts, c => c.Class == "chart cumulative");
        Assert.All(page.Charts, c => Assert.True(c.Width > 100 && c.Height > 50, $"{c.Class} is {c.Width}×{c.Height} px"));
    }
}
