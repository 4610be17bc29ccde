using System.Text.Json;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;
using LiftPipeline.Tests.Measurement;

namespace LiftPipeline.Tests.Reports;

/// <summary>
/// The panel report's spend section (incremental spend, iROAS, cost per incremental conversion) in JSON, HTML and
/// Markdown, present only when the export has spend, and the always-valid interval of every estimate beside its
/// fixed-horizon CI — the same interval the recommendation reads for the primary estimate.
/// </summary>
public sealed class PanelMoneyReportTests
{
    private static readonly Lazy<LiftReport> WithSpend = new(() => Report(SpendPanels.Build(seed: 21, businessAsUsual: true)));

    private static LiftReport Report(Panel panel) => LiftReport.Create("geo-test", "run-1", ReportSamples.GeneratedAt,
        PanelMeasurer.Measure(panel, new PanelMeasureOptions
        {
            Metric = "revenue",
            Estimators = ["sdid", "did"],
            Variance = "placebo",
            VarianceOptions = new VarianceOptions { Replications = 40, Seed = 2 },
        }), [], plannedEnd: Period.FromDate(new DateOnly(2026, 2, 19)));

    [Fact]
    public void Report_json_round_trips_the_money_of_the_primary_estimate_and_null_for_the_others()
    {
        var report = WithSpend.Value;
        var money = report.Primary!.Money!;

        using var json = JsonDocument.Parse(ReportJson.ToJson(report));
        var estimates = json.RootElement.GetProperty("estimates");
        var written = estimates[0].GetProperty("money");

        Assert.Equal(money.TreatedSpend, written.GetProperty("treatedSpend").GetDouble());
        Assert.Equal(money.IncrementalSpend, written.GetProperty("incrementalSpend").GetDouble());
        Assert.Equal(money.IncrementalSpendCi.Lower, written.GetProperty("incrementalSpendCi").GetProperty("lower").GetDouble());
        Assert.Equal(money.IncrementalSpendCi.Upper, written.GetProperty("incrementalSpendCi").GetProperty("upper").GetDouble());
        Assert.True(written.GetProperty("spendEstimated").GetBoolean());
        AssertRatio(money.Iroas!, written.GetProperty("iroas"));
        AssertRatio(money.CostPerIncrementalConversion!, written.GetProperty("costPerIncrementalConversion"));
        Assert.Equal(JsonValueKind.Null, estimates[1].GetProperty("money").ValueKind);
    }

    [Fact]
    public void Each_estimate_carries_the_always_valid_interval_the_recommendation_reads()
    {
        var report = WithSpend.Value;

        using var json = JsonDocument.Parse(ReportJson.ToJson(report));
        var estimates = json.RootElement.GetProperty("estimates");
        var basis = report.Decision.Basis!;
        var primary = estimates[0].GetProperty("alwaysValid");

        Assert.Equal(basis.Lower, primary.GetProperty("lower").GetDouble());
        Assert.Equal(basis.Upper, primary.GetProperty("upper").GetDouble());
        Assert.Equal("days", primary.GetProperty("unit").GetString());
        var did = report.Estimates[1];
        var didValid = estimates[1].GetProperty("alwaysValid");
        // Wider than the fixed-horizon CI: 10 of the 20 planned days (2026-01-31 … 2026-02-19) have been looked at.
        Assert.True(didValid.GetProperty("lower").GetDouble() < did.Uncertainty!.CiLow);
        Assert.True(didValid.GetProperty("upper").GetDouble() > did.Uncertainty.CiHigh);
        Assert.Equal(report.AlwaysValid(did)!.Lower, didValid.GetProperty("lower").GetDouble());
    }

    [Fact]
    public void Html_and_markdown_show_the_spend_table_and_the_always_valid_column()
    {
        var report = WithSpend.Value;
        var m = report.Primary!.Money!;

        string html = ReportHtml.ToHtml(report);
        string markdown = ReportMarkdown.ToMarkdown(report);

        Assert.Contains("<h2>Spend and return</h2>", html);
        Assert.Contains("<th>Always-valid</th>", html);
        Assert.Contains($"<td>{Number(m.Iroas!.Value)}</td><td>{Number(m.Iroas.Ci.Lower)} to {Number(m.Iroas.Ci.Upper)}</td>", html);
        Assert.Contains($"| iROAS | {Number(m.Iroas.Value)} (95% CI {Number(m.Iroas.Ci.Lower)} to {Number(m.Iroas.Ci.Upper)}) |", markdown);
        Assert.Contains("| Cost per incremental conversion |", markdown);
        Assert.Contains($"| Always-valid interval | {Number(report.Decision.Basis!.Lower)} to {Number(report.Decision.Basis.Upper)} |", markdown);
        Assert.Contains("Fieller", html);
    }

    [Fact]
    public void Without_spend_nothing_about_money_appears()
    {
        var report = Report(SpendPanels.Build(seed: 21, businessAsUsual: true, withSpend: false));

        string html = ReportHtml.ToHtml(report);
        string markdown = ReportMarkdown.ToMarkdown(report);
        using var json = JsonDocument.Parse(ReportJson.ToJson(report));

        Assert.DoesNotContain("Spend and return", html);
        Assert.DoesNotContain("iROAS", html);
        Assert.DoesNotContain("iROAS", markdown);
        Assert.DoesNotContain("spend", markdown, StringComparison.OrdinalIgnoreCase);
        Assert.All(json.RootElement.GetProperty("estimates").EnumerateArray(), e => Assert.Equal(JsonValueKind.Null, e.GetProperty("money").ValueKind));
        Assert.Contains("<th>Always-valid</th>", html);
    }

    [Fact]
    public void An_undefined_ratio_reads_undefined_with_its_reason()
    {
        var report = WithSpend.Value;
        var primary = report.Primary!;
        var undefined = primary.Money! with { Iroas = primary.Money.Iroas! with { Ci = Interval.None, Undefined = "the incremental spend's interval contains 0" } };
        var changed = report with { Estimates = [primary with { Money = undefined }, .. report.Estimates.Skip(1)] };

        string html = ReportHtml.ToHtml(changed);
        using var json = JsonDocument.Parse(ReportJson.ToJson(changed));
        var iroas = json.RootElement.GetProperty("estimates")[0].GetProperty("money").GetProperty("iroas");

        Assert.Contains("<td>undefined</td>", html);
        Assert.Contains("iROAS undefined, the incremental spend&#39;s interval contains 0.", html);
        Assert.Equal(JsonValueKind.Null, iroas.GetProperty("ci").GetProperty("lower").ValueKind);
        Assert.Equal("the incremental spend's interval contains 0", iroas.GetProperty("undefined").GetString());
    }

    private static void AssertRatio(MoneyRatio ratio, JsonElement written)
    {
        Assert.Equal(ratio.Metric, written.GetProperty("metric").GetString());
        Assert.Equal(ratio.Incremental, written.GetProperty("incremental").GetDouble());
        Assert.Equal(ratio.Value, written.GetProperty("value").GetDouble());
        Assert.Equal(ratio.Ci.Lower, written.GetProperty("ci").GetProperty("lower").GetDouble());
        Assert.Equal(ratio.Ci.Upper, written.GetProperty("ci").GetProperty("upper").GetDouble());
        Assert.Equal(JsonValueKind.Null, written.GetProperty("undefined").ValueKind);
    }

    private static string Number(double value) => value.ToString("#,##0.###", System.Globalization.CultureInfo.InvariantCulture);
}
