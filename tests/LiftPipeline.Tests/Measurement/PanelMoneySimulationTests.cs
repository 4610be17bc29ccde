using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Measurement;

/// <summary>
/// Coverage of the panel iROAS and cost-per-incremental-conversion intervals with known truth (<see cref="SpendPanels"/>):
/// over 400 simulated geo tests each 95% interval must cover the true ratio at least 90% of the time, both when the
/// incremental spend is known (spend only in the treated test window) and when it is estimated (business-as-usual spend
/// everywhere, so the Fieller interval rests on paired placebo draws of revenue and spend).
/// </summary>
[Trait("Category", "Simulation")]
public sealed class PanelMoneySimulationTests(ITestOutputHelper output)
{
    private const int Seeds = 400;

    [Theory]
    [InlineData(false, 2000)]
    [InlineData(true, 3000)]
    public void Iroas_and_cost_per_conversion_intervals_cover_the_truth_in_at_least_90_percent_of_geo_tests(bool businessAsUsual, int seedBase)
    {
        var iroas = new int[Seeds];
        var cost = new int[Seeds];
        var undefined = new int[Seeds];
        var estimates = new double[Seeds];
        var options = new PanelMeasureOptions
        {
            Metric = "revenue",
            Estimators = ["did"],
            Variance = "placebo",
            VarianceOptions = new VarianceOptions { Replications = 100, Seed = 1, MaxDegreeOfParallelism = 1 },
        };
        Parallel.For(0, Seeds, s =>
        {
            var panel = SpendPanels.Build(seedBase + s, businessAsUsual: businessAsUsual);
            var money = PanelMeasurer.Measure(panel, options with { VarianceOptions = options.VarianceOptions with { Seed = s + 1 } }).Estimates[0].Money!;
            estimates[s] = money.Iroas!.Value;
            iroas[s] = Covers(money.Iroas, SpendPanels.TrueIroas);
            cost[s] = Covers(money.CostPerIncrementalConversion!, SpendPanels.TrueCostPerConversion);
            undefined[s] = money.Iroas.Undefined is null && money.CostPerIncrementalConversion!.Undefined is null ? 0 : 1;
        });
        double iroasCoverage = iroas.Average(), costCoverage = cost.Average();
        output.WriteLine($"{(businessAsUsual ? "estimated" : "known")} incremental spend, {Seeds} geo tests: iROAS coverage {iroasCoverage:F3} " +
            $"(mean estimate {estimates.Average():F3}, truth {SpendPanels.TrueIroas}), cost per conversion coverage {costCoverage:F3}, undefined {undefined.Sum()}");
        Assert.InRange(iroasCoverage, 0.9, 0.995);
        Assert.InRange(costCoverage, 0.9, 0.995);
        Assert.InRange(estimates.Average(), SpendPanels.TrueIroas - 0.05, SpendPanels.TrueIroas + 0.05);
    }

    private static int Covers(MoneyRatio ratio, double truth) => ratio.Ci.Lower <= truth && truth <= ratio.Ci.Upper ? 1 : 0;
}
