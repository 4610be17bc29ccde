using System.Text;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Measurement;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Reports.Browser;

/// <summary>
/// The three report kinds — a panel (geolift-test), a multi-cell panel (multicell) and a holdout (vbo-holdout) — made by
/// one pipeline pass over the shipped samples and laid out in headless chromium at 1280 px. Each fails on a JavaScript
/// error, a table or chart wider than its page or column, a wrapped table cell, a chart label outside its chart, or a
/// chart that is missing or draws nothing; the store's reports/index.html is checked the same way. The pages and full-page screenshots stay in
/// <c>bin/…/report-screenshots/</c> for people to look at. Slow (a pipeline pass and six browser runs): Simulation category.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class ReportBrowserTests(ReportBrowserTests.Reports reports) : IClassFixture<ReportBrowserTests.Reports>
{
    /// <summary>One pipeline pass over three sample campaigns into a folder store; the report pages read back from disk.</summary>
    public sealed class Reports : IAsyncLifetime
    {
        public static readonly string[] Campaigns = ["geolift-test", "multicell", "vbo-holdout"];

        private readonly TempDirectory _root = TestData.TempDirectory();

        public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "report-screenshots");

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(Screenshots);
            var store = new FolderStore(_root.FullName);
            foreach (var campaign in Campaigns)
            {
                foreach (var folder in (string[])["campaigns", "exports"])
                {
                    foreach (var file in Directory.GetFiles(TestData.Samples(folder, campaign)))
                    {
                        await store.WriteAsync($"{folder}/{campaign}/{Path.GetFileName(file)}", await File.ReadAllBytesAsync(file));
                    }
                }
            }
            using var kit = new AlertTestKit();
            await new LocalPipeline(store, kit.Sink, new ManualClock(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero))).RunOnceAsync(RunId.Parse("demo"));
        }

        public Task DisposeAsync()
        {
            _root.Dispose();
            return Task.CompletedTask;
        }

        /// <summary>The HTML report of <paramref name="campaign"/>'s run.</summary>
        public string Page(string campaign) => File.ReadAllText(Path.Combine(_root.FullName, "reports", campaign, "demo", "report.html"));

        /// <summary>The store's reports/index.html.</summary>
        public string IndexPage() => File.ReadAllText(Path.Combine(_root.FullName, "reports", "index.html"));

        /// <summary>Lays out the page of <paramref name="campaign"/>, saves its screenshot and returns the findings.</summary>
        internal async Task<PageFindings> RenderAsync(string campaign, string? html = null)
        {
            Assert.True(HeadlessChromium.Executable is not null,
                "chromium is not installed: the report layout tests need Debian's chromium package (`apt-get install -y chromium`; .ci/run installs it).");
            var findings = await HeadlessChromium.CheckAsync(html ?? Page(campaign), Screenshots, campaign);
            await HeadlessChromium.ScreenshotAsync(Screenshots, campaign, (int)Math.Ceiling(findings.PageHeight));
            return findings;
        }
    }

    [Fact]
    public async Task Panel_report_lays_out_without_errors_and_draws_its_charts()
    {
        var page = await reports.RenderAsync("geolift-test");

        AssertClean(page);
        AssertPanelCharts(page, cells: 1);
        // GeoLift's synthetic control has no time weights; its placebo replications give per-period standard errors, so
        // the effect chart draws the band and its legend sample.
        Assert.DoesNotContain(page.Charts, c => c.Class == "chart time-weights");
        Assert.Equal(2, Chart(page, "chart effects").Count("band"));
    }

    [Fact]
    public async Task Multi_cell_report_lays_out_without_errors_and_draws_the_charts_of_each_cell()
    {
        var page = await reports.RenderAsync("multicell");

        AssertClean(page);
        AssertPanelCharts(page, cells: 2);
        Assert.Equal(2, page.Charts.Count(c => c.Class == "chart time-weights" && c.Count("bar") > 0));
    }

    [Fact]
    public async Task Holdout_report_lays_out_without_errors_and_draws_its_forest_plots()
    {
        var page = await reports.RenderAsync("vbo-holdout");

        AssertClean(page);
        var forests = page.Charts.Where(c => c.Class == "chart forest").ToArray();
        Assert.NotEmpty(forests);
        Assert.All(forests, f => Assert.True(f.Count("point") >= 2, $"a forest plot draws {f.Count("point")} points"));
    }

    [Fact]
    public async Task Holdout_report_with_a_harmed_guardrail_metric_lays_out_and_marks_it_in_the_table_and_forest_plot()
    {
        // The sample holdout with a 0.5% harm margin on unsubscribes: vbo_1p's always-valid interval (about +0.7% to +18%) lies beyond it.
        string json = File.ReadAllText(TestData.Samples("campaigns", "vbo-holdout", "campaign.json"))
            .Replace("\"margin\": 0.05", "\"margin\": 0.005", StringComparison.Ordinal);
        var config = CampaignConfig.Parse("vbo-holdout", Encoding.UTF8.GetBytes(json));
        var options = new HoldoutMeasureOptions { Settings = config.Holdout!, Metrics = config.Metrics, Alpha = config.Alpha, Guardrails = config.Guardrails };
        var measurement = await HoldoutAnalysis.MeasureAsync([ct => ExportFile.OpenAsync(TestData.Samples("exports", "vbo-holdout", "customers.parquet"), ct)],
            new ExperimentExportOptions { Outcomes = config.Metrics }, options);
        string html = HoldoutReport.ToHtml(HoldoutReport.Create("vbo-holdout", "demo", new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero), measurement));

        var page = await reports.RenderAsync("vbo-holdout-harm", html);

        AssertClean(page);
        Assert.Equal("vbo_1p", Assert.Single(measurement.Harms).Contrast.Treatment);
        Assert.Equal(1, html.Split("<tr class=\"harm\">").Length - 1);
        var forest = Assert.Single(page.Charts, c => c.Class == "chart forest" && c.Count("harm") > 0);
        Assert.Equal(3, forest.Count("harm"));   // the label, the interval and the point of the overall row
    }

    [Fact]
    public async Task Index_page_lays_out_without_errors_with_a_trend_per_campaign()
    {
        var html = reports.IndexPage();
        var page = await reports.RenderAsync("index", html);

        AssertClean(page);
        Assert.Equal(3, page.Charts.Count(c => c.Class == "chart trend" && c.Count("point") == 1));
        Assert.All(Reports.Campaigns, c => Assert.Contains($"<a href=\"{c}/demo/report.html\">{c}</a>", html, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_check_catches_a_script_error_an_overflowing_table_a_wrapped_cell_and_a_clipped_label()
    {
        const string broken = """
            <!DOCTYPE html><html><head><style>body{max-width:40rem}</style></head><body>
            <table><tr><td style="white-space:nowrap;min-width:1500px">a cell far too wide for its page, a cell far too wide for its page, a cell far too wide for its page, a cell far too wide for its page, a cell far too wide for its page, a cell far too wide for its page</td></tr></table>
            <div style="width:6rem"><table><tr><td>a cell that wraps onto lines</td></tr></table></div>
            <svg class="chart paths" width="100" height="50" viewBox="0 0 100 50"><text class="legend" x="80" y="20">a legend that runs out</text></svg>
            <script>undefinedFunction();</script>
            </body></html>
            """;

        var page = await reports.RenderAsync("broken-sample", broken);

        Assert.Contains(page.Errors, e => e.Contains("undefinedFunction", StringComparison.Ordinal));
        Assert.Contains(page.Overflows, o => o.StartsWith("table#0", StringComparison.Ordinal));
        Assert.True(page.PageWidth > page.ViewportWidth);
        Assert.Contains(page.WrappedCells, c => c == "table#1: a cell that wraps onto lines");
        Assert.Contains(page.ClippedText, c => c == "chart paths: a legend that runs out");
        Assert.Equal(0, Assert.Single(page.Charts).Count("observed"));
    }

    private static void AssertClean(PageFindings page)
    {
        Assert.Empty(page.Errors);
        Assert.True(page.PageWidth <= page.ViewportWidth, $"the page is {page.PageWidth} px wide in a {page.ViewportWidth} px window");
        Assert.Empty(page.Overflows);
        Assert.Empty(page.WrappedCells);
        Assert.Empty(page.ClippedText);
        Assert.All(page.Charts, c => Assert.True(c.Width > 100 && c.Height > 50, $"{c.Class} is {c.Width}×{c.Height} px"));
    }

    /// <summary>Per cell: both path charts with their two lines, the treatment start and three legend samples; the effects, cumulative and weight charts drawn.</summary>
    private static void AssertPanelCharts(PageFindings page, int cells)
    {
        foreach (var kind in (string[])["chart paths", "chart paths-recent"])
        {
            var charts = page.Charts.Where(c => c.Class == kind).ToArray();
            Assert.Equal(cells, charts.Length);
            Assert.All(charts, c =>
            {
                Assert.Equal(2, c.Count("observed"));          // the line and its legend sample
                Assert.Equal(2, c.Count("counterfactual"));
                Assert.Equal(2, c.Count("treatment-start"));
                Assert.Equal(3, c.Count("legend-sample"));
                Assert.Equal(2, c.Count("axis-title"));
            });
        }
        Assert.Equal(cells, page.Charts.Count(c => c.Class == "chart effects" && c.Count("effect") == 2 && c.Count("att") == 2));
        Assert.Equal(cells, page.Charts.Count(c => c.Class == "chart cumulative" && c.Count("cumulative") == 2));
        Assert.Equal(cells, page.Charts.Count(c => c.Class == "chart weights" && c.Count("bar") == 10));
    }

    private static ChartFinding Chart(PageFindings page, string cssClass)
    {
        var charts = page.Charts.Where(c => c.Class == cssClass).ToArray();
        Assert.True(charts.Length > 0, $"no {cssClass} chart on the page (charts: {string.Join(", ", page.Charts.Select(c => c.Class))})");
        return charts[0];
    }
}
