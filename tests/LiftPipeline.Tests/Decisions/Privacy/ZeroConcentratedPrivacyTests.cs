using LiftPipeline.Statistics.Decisions.Privacy;

namespace LiftPipeline.Tests.Decisions.Privacy;

/// <summary>zCDP cost, conversion and the per-campaign budget against the vector.</summary>
public sealed class ZeroConcentratedPrivacyTests
{
    [Fact]
    public void Gaussian_sigma_4_is_rho_0_03125_which_converts_to_epsilon_0_68800_at_delta_1e_3()
    {
        double rho = new GaussianMechanism(sensitivity: 1, sigma: 4).Rho;

        Assert.Equal(0.03125, rho, 15);
        Assert.Equal(0.68800, ZeroConcentratedPrivacy.Epsilon(rho, 1e-3), 5);
        Assert.Equal(0.96048, ZeroConcentratedPrivacy.EpsilonBunSteinke(rho, 1e-3), 5);
    }

    [Theory]
    [InlineData(1e-4, 1e-5)]
    [InlineData(0.03125, 1e-3)]
    [InlineData(0.5, 1e-9)]
    [InlineData(20, 1e-6)]
    public void Tight_conversion_is_the_minimum_over_a_fine_grid_and_never_above_the_original(double rho, double delta)
    {
        double epsilon = ZeroConcentratedPrivacy.Epsilon(rho, delta);
        double log = Math.Log(1 / delta), grid = double.PositiveInfinity;
        for (double x = -15; x <= 15; x += 1e-3)
        {
            double a = 1 + Math.Exp(x);
            grid = Math.Min(grid, a * rho + (log + (a - 1) * Math.Log(1 - 1 / a) - Math.Log(a)) / (a - 1));
        }

        Assert.InRange(Math.Max(0, grid) - epsilon, 0, 1e-6);
        Assert.True(epsilon <= ZeroConcentratedPrivacy.EpsilonBunSteinke(rho, delta));
    }

    [Fact]
    public void Rho_for_epsilon_inverts_the_conversion()
    {
        double rho = ZeroConcentratedPrivacy.RhoForEpsilon(0.68800, 1e-3);

        Assert.Equal(0.03125, rho, 5);
        Assert.Equal(1.0, ZeroConcentratedPrivacy.Epsilon(ZeroConcentratedPrivacy.RhoForEpsilon(1.0, 1e-6), 1e-6), 9);
    }

    [Fact]
    public void Budget_adds_rho_across_nightly_releases_and_refuses_the_one_that_would_exceed_it()
    {
        var gaussian = new GaussianMechanism(1, 4);
        var budget = PrivacyBudget.OfRho("spring-sale", 0.1);

        budget = budget.Spend("night-1", gaussian).Spend("night-2", gaussian).Spend("night-3", gaussian);

        Assert.Equal(0.09375, budget.SpentRho, 15);
        Assert.Equal(0.00625, budget.RemainingRho, 15);
        Assert.Equal(["night-1", "night-2", "night-3"], budget.Charges.Select(c => c.Release));
        Assert.False(budget.CanAfford(gaussian.Rho));
        var refused = Assert.Throws<PrivacyBudgetExceededException>(() => budget.Spend("night-4", gaussian));
        Assert.Equal("night-4", refused.Release);
        Assert.Equal(0.09375, budget.SpentRho, 15);
    }

    [Fact]
    public void Budget_reports_spent_and_remaining_epsilon_at_a_delta()
    {
        var budget = PrivacyBudget.OfRho("c", 0.125).Spend("night-1", 0.03125);

        Assert.Equal(0.68800, budget.SpentEpsilon(1e-3), 5);
        double total = ZeroConcentratedPrivacy.Epsilon(0.125, 1e-3);
        Assert.Equal(total - budget.SpentEpsilon(1e-3), budget.RemainingEpsilon(1e-3), 12);
        Assert.Equal(0.85809, budget.RemainingEpsilon(1e-3), 4);
        Assert.Equal(0, PrivacyBudget.OfRho("c", 0.125).SpentEpsilon(1e-3));
    }

    [Fact]
    public void Budget_of_epsilon_allows_exactly_that_epsilon_when_spent_in_full()
    {
        var budget = PrivacyBudget.OfEpsilon("c", 1.0, 1e-5);

        var spent = budget.Spend("all", budget.Rho);

        Assert.Equal(1.0, spent.SpentEpsilon(1e-5), 9);
        Assert.Equal(0, spent.RemainingRho);
    }
}
