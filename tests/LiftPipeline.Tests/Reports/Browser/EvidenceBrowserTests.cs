using LiftPipeline.Pipeline.Evidence;
using LiftPipeline.Tests.Evidence;

namespace LiftPipeline.Tests.Reports.Browser;

/// <summary>
/// evidence/index.html laid out in headless chromium: four simulated holdouts with campaign ids as long as the samples',
/// all still running, so the page has three pooled contrasts with subgroup tables and a budget table of eight options
/// (the arms of running campaigns are the budget's options). Fails
/// like the report pages on an error, an overflowing or wrapped table, or a clipped chart label. Simulation category
/// (browser runs).
/// </summary>
[Trait("Category", "Simulation")]
public sealed class EvidenceBrowserTests
{
    [Fact]
    public async Task Evidence_page_lays_out_without_errors_and_draws_a_forest_plot_per_pooled_contrast()
    {
        Assert.True(HeadlessChromium.Executable is not null, "chromium is not installed: the layout tests need Debian's chromium package.");
        var campaigns = EvidencePoolingTests.Campaigns(4, 21, running: 4)
            .Select((c, i) => c with { Campaign = $"vbo-holdout-season-{i}", Report = $"reports/vbo-holdout-season-{i}/run-1/report.html" }).ToArray();
        var summary = EvidencePooling.Summarize(campaigns);
        string folder = Path.Combine(AppContext.BaseDirectory, "report-screenshots");
        Directory.CreateDirectory(folder);

        var page = await HeadlessChromium.CheckAsync(EvidenceHtml.ToHtml(summary), folder, "evidence");
        await HeadlessChromium.ScreenshotAsync(folder, "evidence", (int)Math.Ceiling(page.PageHeight));

        Assert.Empty(page.Errors);
        Assert.True(page.PageWidth <= page.ViewportWidth, $"the page is {page.PageWidth} px wide in a {page.ViewportWidth} px window");
        Assert.Empty(page.Overflows);
        Assert.Empty(page.WrappedCells);
        Assert.Empty(page.ClippedText);
        Assert.Equal(3, summary.Contrasts.Count);
        var forests = page.Charts.Where(c => c.Class == "chart forest").ToArray();
        Assert.Equal(3, forests.Length);
        Assert.All(forests, f =>
        {
            Assert.Equal(4, f.Count("point"));
            Assert.Equal(4, f.Count("ci"));
            Assert.Equal(1, f.Count("diamond"));
            Assert.Equal(1, f.Count("prediction"));
        });
        Assert.Equal(8, summary.Budget!.Options.Count);
    }
}
