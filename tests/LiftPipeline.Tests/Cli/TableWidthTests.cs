using LiftPipeline.Cli.Rendering;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Measurement;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Estimators;
using Spectre.Console;

namespace LiftPipeline.Tests.Cli;

/// <summary>Every table the CLI prints fits a 100-column terminal: no line wider, no number wrapped, what was left out named.</summary>
public sealed class TableWidthTests
{
    private const int Width = 100;

    [Fact]
    public void Measure_table_of_every_estimator_on_a_multi_cell_panel_fits_100_columns()
    {
        var options = new PanelMeasureOptions
        {
            Metric = "conversions",
            Estimators = ["did", "sc", "difp", "sdid", "mc", "geolift", "geolift-ridge"],
            VarianceOptions = new VarianceOptions { Replications = 4 },
        };
        var measurement = PanelMeasurer.Measure(ReferencePanels.GeoLiftMultiCell, options);
        var (console, output) = Console100();

        MeasurementView.Render(console, "cells.parquet", measurement);

        string text = output.ToString();
        AssertFits(text);
        Assert.Contains("Left out to fit 100 columns: pre-fit RMSE, scaled L2", text, StringComparison.Ordinal);
        foreach (var estimate in measurement.Estimates)
        {
            // Each estimate is one row with its cell, estimator and whole interval (nothing wrapped).
            var u = estimate.Uncertainty!;
            Assert.Matches($@"│ {estimate.Cell}\s+│ {estimate.Estimator}\s+│.*\[{u.CiLow:0.000}, {u.CiHigh:0.000}\] │", text);
        }
    }

    [Fact]
    public async Task Holdout_table_fits_100_columns_and_keeps_the_relative_lift_its_intervals_and_p()
    {
        var measurement = await HoldoutAsync();
        var (console, output) = Console100();

        HoldoutView.Render(console, "customers.parquet", measurement);

        string text = output.ToString();
        AssertFits(text);
        Assert.Contains("Left out to fit 100 columns: ", text, StringComparison.Ordinal);
        var overall = measurement.Contrasts.First(c => c.Segment is null && c.Surface is null && c.Market is null);
        Assert.Matches($@"│ {overall.Treatment} vs {overall.Control}[^│]*│ {overall.Metric}\s+│\s+{100 * overall.Relative:0.00}% │ \[{100 * overall.RelativeCi.Lower:0.00}%, {100 * overall.RelativeCi.Upper:0.00}%\]\s+│ \[{100 * overall.AlwaysValidRelativeCi.Lower:0.00}%, ", text);
    }

    [Trait("Category", "Simulation")]
    [Fact]
    public async Task Pipeline_summary_of_the_sample_campaigns_fits_100_columns_and_lists_guardrails_and_reports_below()
    {
        using var dir = TestData.TempDirectory();
        var samples = Path.Combine(Path.GetDirectoryName(TestData.Path())!, "..", "samples");
        foreach (var campaign in new[] { "prop99", "multicell", "vbo-holdout" })
        {
            Copy(Path.Combine(samples, "campaigns", campaign), Path.Combine(dir.FullName, "campaigns", campaign));
            Copy(Path.Combine(samples, "exports", campaign), Path.Combine(dir.FullName, "exports", campaign));
        }
        var summary = await new LocalPipeline(new FolderStore(dir.FullName), null, TimeProvider.System).RunOnceAsync();
        var (console, output) = Console100();

        PipelineSummaryView.Render(console, output, summary, name => name);

        string text = output.ToString();
        AssertFits(text.Split('\n').Where(l => l.Contains('│') || l.Contains('╭') || l.Contains('╰')));
        Assert.Matches(@"│ prop99\s+│ sdid\s+│\s+-15.605 │ \[", text);
        Assert.Matches(@"  multicell: data-quality warn, pre-fit breach, placebo-in-time pass → reports/multicell/run-[0-9-]+/report.html", text);
        Assert.Matches(@"  vbo-holdout: srm pass, .* → reports/vbo-holdout/run-[0-9-]+/report.html", text);
    }

    private static (IAnsiConsole Console, StringWriter Output) Console100()
    {
        var output = new StringWriter();
        var console = ConsoleFactory.Create(output);
        console.Profile.Width = Width;
        return (console, output);
    }

    private static void AssertFits(string text) => AssertFits(text.Split('\n'));

    private static void AssertFits(IEnumerable<string> lines) =>
        Assert.All(lines, line => Assert.True(line.TrimEnd('\r').Length <= Width, $"{line.Length} columns: {line}"));

    private static async Task<HoldoutMeasurement> HoldoutAsync()
    {
        var samples = Path.Combine(Path.GetDirectoryName(TestData.Path())!, "..", "samples");
        var config = CampaignConfig.Parse("vbo-holdout", await File.ReadAllBytesAsync(Path.Combine(samples, "campaigns", "vbo-holdout", "campaign.json")));
        var options = new HoldoutMeasureOptions { Settings = config.Holdout!, Metrics = config.Metrics, Alpha = config.Alpha, Guardrails = config.Guardrails };
        string export = Path.Combine(samples, "exports", "vbo-holdout", "customers.parquet");
        return await HoldoutAnalysis.MeasureAsync([ct => ExportFile.OpenAsync(export, ct)], new ExperimentExportOptions { Outcomes = config.Metrics }, options);
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
