using System.Globalization;
using System.Text.Json;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Measurement;

namespace LiftPipeline.Tests.Cli;

/// <summary>
/// <c>lift measure</c> on a panel prints the primary estimate's always-valid interval and the days-to-decision sentence
/// by the report's own rule (<see cref="LiftReport.Basis"/>), and the spend line (incremental spend, iROAS, cost per
/// incremental conversion) only when the export has spend.
/// </summary>
public sealed class MeasureDecisionAndMoneyTests
{
    [Fact]
    public async Task Measure_on_the_geolift_sample_prints_the_always_valid_interval_the_report_would_read_and_the_days_to_decision()
    {
        string path = TestData.Panel("GeoLift_Test.parquet");
        var (code, output, _) = await CliRunner.RunAsync("measure", path, "--estimator", "sdid", "--reps", "50");

        var panel = await PanelExportReader.ReadAsync(path);
        var estimate = PanelMeasurer.Measure(panel, new PanelMeasureOptions
        {
            Metric = "conversions",
            VarianceOptions = new VarianceOptions { Replications = 50, Seed = 1 },
        }).Estimates[0];
        var basis = LiftReport.Basis(estimate, 0.05)!;
        Assert.Equal(0, code);
        Assert.Contains($"always-valid 95% interval (sdid): [{F(basis.Lower)}, {F(basis.Upper)}], contains 0 (what a nightly decision reads)", output);
        Assert.Contains(basis.Progress!.Sentence(), output);
        Assert.DoesNotContain("money", output);
    }

    [Fact]
    public async Task Measure_on_a_panel_with_spend_prints_the_money_line_and_json_carries_it()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("spend-panel.parquet");
        await using (var stream = File.Create(path))
        {
            await PanelParquetWriter.WriteAsync(SpendPanels.Build(seed: 31), stream);
        }

        var (code, output, _) = await CliRunner.RunAsync("measure", path, "--metric", "revenue", "--estimator", "did", "--reps", "50");
        var (jsonCode, json, _) = await CliRunner.RunAsync("measure", path, "--metric", "revenue", "--estimator", "did", "--reps", "50", "--json");

        Assert.Equal(0, code);
        Assert.Equal(0, jsonCode);
        using var document = JsonDocument.Parse(json);
        var estimate = Assert.Single(document.RootElement.GetProperty("estimates").EnumerateArray());
        var money = estimate.GetProperty("money");
        double treated = money.GetProperty("treatedSpend").GetDouble();
        var iroas = money.GetProperty("iroas");
        double value = iroas.GetProperty("value").GetDouble();
        Assert.InRange(value, SpendPanels.TrueIroas - 0.3, SpendPanels.TrueIroas + 0.3);
        Assert.Equal(treated, money.GetProperty("incrementalSpend").GetDouble());
        Assert.Contains($"money (did): treated spend {treated.ToString("N0", CultureInfo.InvariantCulture)}; incremental spend {treated.ToString("N0", CultureInfo.InvariantCulture)}; " +
            $"iROAS {F(value)} 95% CI [{F(iroas.GetProperty("ci").GetProperty("lower").GetDouble())}, {F(iroas.GetProperty("ci").GetProperty("upper").GetDouble())}]; cost per incremental conversion ", output);
        Assert.Contains("always-valid 95% interval (did): [", output);
        Assert.Contains("lies above 0", output);
        Assert.NotEqual(JsonValueKind.Null, estimate.GetProperty("alwaysValid").ValueKind);
    }

    [Fact]
    public async Task Asking_to_measure_the_spend_column_is_a_usage_error_saying_it_is_spend()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("spend-panel.parquet");
        await using (var stream = File.Create(path))
        {
            await PanelParquetWriter.WriteAsync(SpendPanels.Build(seed: 32), stream);
        }

        var (code, _, error) = await CliRunner.RunAsync("measure", path, "--metric", "spend");

        Assert.Equal(2, code);
        Assert.Equal("'spend' is the export's spend column, read as spend (iROAS and cost per incremental conversion follow the estimates), not a metric; choose one of revenue, conversions.", error.Trim());
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
