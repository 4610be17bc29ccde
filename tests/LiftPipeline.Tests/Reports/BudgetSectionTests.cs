using System.Text.Json;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Decisions.Budget;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Evidence;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Tests.Reports;

/// <summary>
/// The Budget section of a holdout report: with two treatment arms that have an iROAS against the control, HTML, Markdown
/// and JSON carry EqualMarginalReturn's and ThompsonShares' allocations over exactly those arms (SE from the iROAS
/// interval, current spend the arm's spend, default settings) and the assumptions; with fewer there is no section.
/// </summary>
public sealed class BudgetSectionTests
{
    private static readonly HoldoutMeasurement Measurement = HoldoutCampaignSimulator.Measure(5, 6_000, s => s == "vip" ? 0.15 : 0.02);

    private static HoldoutReport Report(HoldoutMeasurement m) => HoldoutReport.Create("sim", "run-1", DateTimeOffset.UnixEpoch, m);

    [Fact]
    public void The_budget_options_are_the_treatment_arms_with_an_iroas_interval_against_the_control()
    {
        var arms = ArmReturn.Of(Measurement);

        Assert.Equal(["vbo", "vbo_1p"], arms.Select(a => a.Treatment));
        double z = Normal.InvCDF(0, 1, 0.975);
        foreach (var a in arms)
        {
            var c = Measurement.Contrasts.First(c => c.Treatment == a.Treatment && c.Control == "holdout" && c.Kind == ContrastKind.Mean && c.Segment is null && c.Surface is null && c.Market is null);
            Assert.Equal("holdout", a.Control);
            Assert.Equal(c.Iroas!.Value, a.Iroas);
            Assert.Equal((c.IroasCi.Upper - c.IroasCi.Lower) / (2 * z), a.StandardError, 12);
            Assert.Equal(Measurement.Arms.Single(x => x.Arm == a.Treatment).Spend, a.Spend);
            Assert.True(a.Spend > 0);
        }
    }

    [Fact]
    public void The_report_json_budget_equals_both_recommendations_on_the_same_inputs()
    {
        var options = ArmReturn.Of(Measurement).Select(a => new BudgetOption(a.Treatment, a.Iroas, a.StandardError, a.Spend)).ToArray();
        var equal = EqualMarginalReturn.Recommend(options);
        var thompson = ThompsonShares.Recommend(options);
        using var json = JsonDocument.Parse(ReportJson.ToJson(Report(Measurement)));
        var budget = json.RootElement.GetProperty("budget");

        Assert.Equal(0.2, budget.GetProperty("maxMove").GetDouble());
        Assert.Equal(0.05, budget.GetProperty("floorShare").GetDouble());
        Assert.Equal(equal.Budget, budget.GetProperty("total").GetDouble());
        var e = budget.GetProperty("equalMarginalReturn").GetProperty("allocations");
        var t = budget.GetProperty("thompsonShares").GetProperty("allocations");
        for (int i = 0; i < options.Length; i++)
        {
            Assert.Equal(options[i].Name, e[i].GetProperty("name").GetString());
            Assert.Equal(equal.Allocations[i].RecommendedSpend, e[i].GetProperty("recommended").GetDouble());
            Assert.Equal(equal.Allocations[i].LowerBound, e[i].GetProperty("lower").GetDouble());
            Assert.Equal(thompson.Allocations[i].RecommendedSpend, t[i].GetProperty("recommended").GetDouble());
            Assert.Equal(thompson.Allocations[i].ProbabilityBest!.Value, t[i].GetProperty("probabilityBest").GetDouble());
        }
        // The better arm gains at most the 20% move limit; the total is kept.
        Assert.Equal(equal.Budget, equal.Allocations.Sum(a => a.RecommendedSpend), 9);
        Assert.Equal(equal.MarginalReturn!.Value, budget.GetProperty("equalMarginalReturn").GetProperty("marginalReturn").GetDouble());
        Assert.Contains(budget.GetProperty("assumptions").EnumerateArray(), a => a.GetString()!.StartsWith("Posterior: each option's true iROAS is normal", StringComparison.Ordinal));
        Assert.Equal(6, budget.GetProperty("assumptions").GetArrayLength());
    }

    [Fact]
    public void Html_and_markdown_state_the_allocations_and_the_assumptions()
    {
        var report = Report(Measurement);
        var comparison = BudgetComparison.Of(Measurement)!;
        string html = HoldoutReport.ToHtml(report), markdown = HoldoutReport.ToMarkdown(report);

        Assert.Contains("<h2>Budget</h2>", html);
        Assert.Contains("\n## Budget\n", markdown);
        foreach (var line in comparison.Assumptions())
        {
            Assert.Contains(LiftPipeline.Pipeline.Reports.Svg.Markup.Html(line), html);
        }
        Assert.Contains("Fixed total: budget moves between the options", markdown);
        Assert.Contains("Bounds per period: no option moves more than 20.0% of its current spend, and each keeps at least 5.0% of the total", markdown);
        Assert.Contains("elasticity 1, a constant iROAS", markdown);
        Assert.Contains("10,000 posterior draws from seed 0", markdown);
        var (option, equal, thompson) = (comparison.Options[1], comparison.EqualMarginal!.Allocations[1], comparison.Thompson!.Allocations[1]);
        Assert.Contains($"| {ReportText.Markdown("vbo_1p")} | {ReportText.Number(option.Iroas)} ({ReportText.Number(option.StandardError)}) | {ReportText.Number(option.CurrentSpend)} | "
            + $"{ReportText.Number(equal.RecommendedSpend)} (", markdown);
        Assert.Contains($"| {ReportText.Percent(thompson.ProbabilityBest!.Value)} | {ReportText.Number(thompson.RecommendedSpend)} (", markdown);
    }

    [Fact]
    public void A_report_with_one_funded_arm_has_no_budget_section()
    {
        var oneArm = Measurement with
        {
            Contrasts = [.. Measurement.Contrasts.Where(c => c.Treatment != "vbo")],
            Arms = [.. Measurement.Arms.Where(a => a.Arm != "vbo")],
        };

        Assert.Null(BudgetComparison.Of(oneArm));
        Assert.DoesNotContain("Budget", HoldoutReport.ToHtml(Report(oneArm)));
        using var json = JsonDocument.Parse(ReportJson.ToJson(Report(oneArm)));
        Assert.False(json.RootElement.TryGetProperty("budget", out _));
    }
}
