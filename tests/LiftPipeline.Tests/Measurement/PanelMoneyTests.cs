using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Measurement;

/// <summary>
/// Incremental spend, iROAS and cost per incremental conversion of a panel measurement (<see cref="PanelMoney"/>) on
/// simulated panels with a known return (<see cref="SpendPanels"/>), and the invariances the Fieller interval must keep.
/// </summary>
public sealed class PanelMoneyTests
{
    private static PanelMeasureOptions Options(string estimator = "did", string metric = "revenue", int reps = 50) => new()
    {
        Metric = metric,
        Estimators = [estimator],
        Variance = "placebo",
        VarianceOptions = new VarianceOptions { Replications = reps, Seed = 3 },
    };

    [Fact]
    public void Spend_only_in_the_treated_test_window_is_the_incremental_spend_and_iroas_is_near_the_truth()
    {
        var panel = SpendPanels.Build(seed: 11);
        var estimate = Assert.Single(PanelMeasurer.Measure(panel, Options()).Estimates);
        var money = estimate.Money!;

        double treatedSpend = TreatedSpend(panel);
        Assert.False(money.Estimated);
        Assert.Equal(treatedSpend, money.TreatedSpend, 9);
        Assert.Equal(treatedSpend, money.IncrementalSpend, 9);
        Assert.Equal(new Interval(treatedSpend, treatedSpend), money.IncrementalSpendCi);
        var iroas = money.Iroas!;
        Assert.Equal("revenue", iroas.Metric);
        Assert.Equal(estimate.Incremental / treatedSpend, iroas.Value, 12);
        Assert.InRange(iroas.Value, SpendPanels.TrueIroas - 0.3, SpendPanels.TrueIroas + 0.3);
        // With exact spend the interval is the revenue interval (ATT × treated cells) divided by the spend.
        int cells = 6 * 10;
        Assert.Equal(estimate.Uncertainty!.CiLow * cells / treatedSpend, iroas.Ci.Lower, 9);
        Assert.Equal(estimate.Uncertainty.CiHigh * cells / treatedSpend, iroas.Ci.Upper, 9);
        Assert.InRange(SpendPanels.TrueIroas, iroas.Ci.Lower, iroas.Ci.Upper);
        Assert.Null(iroas.Undefined);
        var cost = money.CostPerIncrementalConversion!;
        Assert.Equal("conversions", cost.Metric);
        Assert.InRange(cost.Value, SpendPanels.TrueCostPerConversion * 0.85, SpendPanels.TrueCostPerConversion * 1.15);
        Assert.InRange(SpendPanels.TrueCostPerConversion, cost.Ci.Lower, cost.Ci.Upper);
    }

    [Fact]
    public void Business_as_usual_spend_everywhere_is_estimated_away_and_the_fieller_interval_covers_the_truth()
    {
        var panel = SpendPanels.Build(seed: 12, businessAsUsual: true);
        var money = Assert.Single(PanelMeasurer.Measure(panel, Options("sdid")).Estimates).Money!;

        Assert.True(money.Estimated);
        Assert.True(money.TreatedSpend > money.IncrementalSpend * 1.3, $"treated spend {money.TreatedSpend} should include business-as-usual spend beyond the incremental {money.IncrementalSpend}");
        Assert.InRange(money.IncrementalSpend, money.IncrementalSpendCi.Lower, money.IncrementalSpendCi.Upper);
        Assert.True(money.IncrementalSpendCi.Lower < money.IncrementalSpendCi.Upper);
        Assert.InRange(money.Iroas!.Value, SpendPanels.TrueIroas - 0.4, SpendPanels.TrueIroas + 0.4);
        Assert.InRange(SpendPanels.TrueIroas, money.Iroas.Ci.Lower, money.Iroas.Ci.Upper);
        Assert.InRange(SpendPanels.TrueCostPerConversion, money.CostPerIncrementalConversion!.Ci.Lower, money.CostPerIncrementalConversion.Ci.Upper);
    }

    [Theory]
    [InlineData("did")]
    [InlineData("sdid")]
    // Spend proportional to revenue in every cell: each replication's spend effect is the revenue effect ÷ 4 (DiD is
    // linear, SDID scale-equivariant), so paired draws make the ratio's interval collapse onto 4; unpaired draws could not.
    public void Spend_proportional_to_revenue_gives_an_iroas_interval_collapsed_on_the_ratio(string estimator)
    {
        var source = SpendPanels.Build(seed: 13, noise: 5);
        var revenue = source.Metric("revenue");
        var spend = revenue.Values.ToArray().Select(v => v / 4).ToArray();
        var panel = new Panel(source.Units, source.Periods, [revenue], source.Treatment.ToArray(), null, new PanelMatrix("spend", revenue.Units, revenue.Periods, spend));

        var iroas = Assert.Single(PanelMeasurer.Measure(panel, Options(estimator)).Estimates).Money!.Iroas!;

        Assert.Equal(4, iroas.Value, 6);
        Assert.Equal(4, iroas.Ci.Lower, 3);
        Assert.Equal(4, iroas.Ci.Upper, 3);
    }

    [Fact]
    public void Each_test_cell_gets_the_money_of_its_own_treated_units()
    {
        var panel = SpendPanels.Build(seed: 18, cells: true);

        var estimates = PanelMeasurer.Measure(panel, Options()).Estimates;

        Assert.Equal(["a", "b"], estimates.Select(e => e.Cell));
        foreach (var e in estimates)
        {
            var units = e.TreatedUnits.Select(u => panel.Units.ToList().IndexOf(u)).ToArray();
            double spend = units.Sum(u => Enumerable.Range(0, panel.Periods.Count).Where(t => panel.IsTreated(u, t)).Sum(t => panel.Spend![u, t]));
            Assert.Equal(3, units.Length);
            Assert.Equal(spend, e.Money!.IncrementalSpend, 9);
            Assert.Equal(e.Incremental / spend, e.Money.Iroas!.Value, 12);
            Assert.InRange(SpendPanels.TrueIroas, e.Money.Iroas.Ci.Lower, e.Money.Iroas.Ci.Upper);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    // Staggered cohorts with the joint placebo: the ratio's draws are the whole staggered estimator's, spend's paired with revenue's.
    public void Staggered_adoption_gets_money_from_the_joint_replications(bool businessAsUsual)
    {
        var panel = SpendPanels.Build(seed: 19, staggered: true, businessAsUsual: businessAsUsual);

        var estimate = Assert.Single(PanelMeasurer.Measure(panel, Options()).Estimates);

        Assert.Equal(businessAsUsual, estimate.Money!.Estimated);
        Assert.Equal(6 * 10 - 3 * 3, (int)Math.Round(estimate.Incremental / estimate.Att));
        Assert.Null(estimate.Money.Iroas!.Undefined);
        Assert.InRange(estimate.Money.Iroas.Value, SpendPanels.TrueIroas - 0.4, SpendPanels.TrueIroas + 0.4);
        Assert.InRange(SpendPanels.TrueIroas, estimate.Money.Iroas.Ci.Lower, estimate.Money.Iroas.Ci.Upper);
    }

    [Fact]
    public void Independent_cohorts_have_no_draws_to_pair_so_an_estimated_spend_leaves_the_ratio_undefined()
    {
        var panel = SpendPanels.Build(seed: 19, staggered: true, businessAsUsual: true);

        var money = Assert.Single(PanelMeasurer.Measure(panel, Options() with { CohortVariance = CohortVariance.Independent }).Estimates).Money!;

        Assert.Equal("the variance method gives no replications to pair the two estimates on", money.Iroas!.Undefined);
        Assert.True(double.IsNaN(money.Iroas.Ci.Lower));
        Assert.True(double.IsFinite(money.Iroas.Value));
    }

    [Fact]
    public void A_panel_without_spend_has_no_money_and_measures_exactly_as_before()
    {
        var withSpend = SpendPanels.Build(seed: 14);
        var without = SpendPanels.Build(seed: 14, withSpend: false);

        var plain = Assert.Single(PanelMeasurer.Measure(without, Options()).Estimates);
        var money = Assert.Single(PanelMeasurer.Measure(withSpend, Options()).Estimates);

        Assert.Null(plain.Money);
        Assert.NotNull(money.Money);
        Assert.Equal(plain.Att, money.Att);
        Assert.Equal(plain.Uncertainty, money.Uncertainty);
        Assert.Equal(["revenue", "conversions"], without.MetricNames);
    }

    [Fact]
    public void Only_the_primary_estimator_carries_money_and_a_configured_revenue_metric_is_used()
    {
        var panel = SpendPanels.Build(seed: 15);
        var options = Options() with { Estimators = ["did", "sc"], Metric = "conversions", RevenueMetric = "conversions", ConversionMetric = "revenue" };

        var estimates = PanelMeasurer.Measure(panel, options).Estimates;

        Assert.NotNull(estimates[0].Money);
        Assert.Null(estimates[1].Money);
        Assert.Equal("conversions", estimates[0].Money!.Iroas!.Metric);
        Assert.Equal("revenue", estimates[0].Money!.CostPerIncrementalConversion!.Metric);
        Assert.Equal(estimates[0].Incremental, estimates[0].Money!.Iroas!.Incremental);
    }

    [Fact]
    public void Without_a_revenue_or_conversion_metric_only_the_spend_is_reported()
    {
        var source = SpendPanels.Build(seed: 16);
        var panel = new Panel(source.Units, source.Periods, [new PanelMatrix("orders", source.Units.Count, source.Periods.Count, source.Metric("revenue").Values.ToArray())],
            source.Treatment.ToArray(), null, source.Spend);

        var money = Assert.Single(PanelMeasurer.Measure(panel, Options(metric: "orders")).Estimates).Money!;

        Assert.Equal(TreatedSpend(panel), money.IncrementalSpend, 9);
        Assert.Null(money.Iroas);
        Assert.Null(money.CostPerIncrementalConversion);
    }

    [Fact]
    public void A_denominator_whose_interval_contains_zero_leaves_the_ratio_undefined()
    {
        // Conversions that do not respond: the incremental conversions' interval contains 0, so cost per conversion is unbounded.
        var source = SpendPanels.Build(seed: 17);
        var noise = new Random(5);
        var flat = source.Metric("revenue").Values.ToArray().Select(v => 50 + noise.NextDouble()).ToArray();
        var panel = new Panel(source.Units, source.Periods, [source.Metric("revenue"), new PanelMatrix("conversions", source.Units.Count, source.Periods.Count, flat)],
            source.Treatment.ToArray(), null, source.Spend);

        var cost = Assert.Single(PanelMeasurer.Measure(panel, Options()).Estimates).Money!.CostPerIncrementalConversion!;

        Assert.NotNull(cost.Undefined);
        Assert.True(double.IsNaN(cost.Ci.Lower) && double.IsNaN(cost.Ci.Upper));
    }

    [Fact]
    public void Fieller_with_an_exact_denominator_divides_the_numerator_interval_and_is_undefined_over_zero()
    {
        var ratio = new MoneyRatio("revenue", 10, 2, Interval.None);
        var a = new IncrementalTotal(10, 6, 14, null, false);

        var exact = PanelMoneyMeasurer.Fieller(ratio, a, IncrementalTotal.Known(5), 1.96, "zero");
        var straddling = PanelMoneyMeasurer.Fieller(ratio, a, new IncrementalTotal(5, -1, 11, [1, 2, 3], false), 1.96, "the denominator's interval contains 0");

        Assert.Equal(new Interval(1.2, 2.8), exact.Ci);
        Assert.Equal("the denominator's interval contains 0", straddling.Undefined);
    }

    [Fact]
    public void Fieller_with_paired_draws_solves_the_quadratic()
    {
        // a = 10, b = 5, Var(a) = 4, Var(b) = 1, Cov = 0 (draws ±2 and ±1 in all four combinations), z = 1.
        double[] da = [2, 2, -2, -2], db = [1, -1, 1, -1];
        var a = new IncrementalTotal(10, 8, 12, da, false);
        var b = new IncrementalTotal(5, 4, 6, db, false);

        var ratio = PanelMoneyMeasurer.Fieller(new MoneyRatio("revenue", 10, 2, Interval.None), a, b, 1, "zero");

        // (10 − 5R)² = 4 + R²  →  24R² − 100R + 96 = 0.
        double root = Math.Sqrt(100 * 100 - 4 * 24 * 96);
        Assert.Equal((100 - root) / 48, ratio.Ci.Lower, 12);
        Assert.Equal((100 + root) / 48, ratio.Ci.Upper, 12);
    }

    private static double TreatedSpend(Panel panel)
    {
        double total = 0;
        for (int u = 0; u < panel.Units.Count; u++)
        {
            for (int t = 0; t < panel.Periods.Count; t++)
            {
                total += panel.IsTreated(u, t) ? panel.Spend![u, t] : 0;
            }
        }
        return total;
    }
}
