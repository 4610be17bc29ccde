using LiftPipeline.Simulation;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Simulation;

public sealed class FactorModelTests
{
    [Fact]
    public void The_same_seed_draws_the_same_panel_and_tau_moves_only_treated_post_cells()
    {
        var design = new FactorModel { N0 = 9, N1 = 2, T0 = 6, T1 = 3, AssignmentOnLoading = 2 };

        var a = design.Draw(5);
        var b = design.Draw(5);
        var shifted = (design with { Tau = 4 }).Draw(5);

        Assert.Equal(a.Values.ToArray(), b.Values.ToArray());
        for (int i = 0; i < a.N; i++)
        {
            for (int t = 0; t < a.T; t++)
            {
                double expected = a[i, t] + (i >= a.N0 && t >= a.T0 ? 4 : 0);
                Assert.Equal(expected, shifted[i, t], 12);
            }
        }
        Assert.Equal(new DifferenceInDifferences().Estimate(a).Att + 4, new DifferenceInDifferences().Estimate(shifted).Att, 10);
    }

    [Fact]
    public void Staggered_panel_treats_each_cohort_from_its_adoption_period()
    {
        var design = new FactorModel { N0 = 5, N1 = 4, T0 = 6, T1 = 4, Tau = 3 };

        var panel = design.DrawStaggered(7, [4, 7]);
        var untreated = (design with { Tau = 0 }).DrawStaggered(7, [4, 7]);

        Assert.Equal(4, panel.TreatedUnits.Count);
        Assert.Equal([4, 4, 7, 7], panel.TreatedUnits.Select(u => panel.FirstTreatedPeriods[u]).Order().ToArray());
        for (int u = 0; u < 9; u++)
        {
            for (int t = 0; t < 10; t++)
            {
                Assert.Equal(untreated.Metric("y")[u, t] + (panel.IsTreated(u, t) ? 3 : 0), panel.Metric("y")[u, t], 12);
            }
        }
        Assert.Throws<ArgumentException>(() => BlockPanel.FromPanel(panel, "y"));
    }
}
