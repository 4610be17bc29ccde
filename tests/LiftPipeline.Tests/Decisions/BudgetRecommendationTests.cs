using LiftPipeline.Statistics.Decisions.Budget;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Tests.Decisions;

/// <summary>
/// The budget recommendations with known answers: equal iROAS moves nothing, a clearly better option moves to its bound
/// and no further, a diminishing-returns optimum equalises marginal returns, and Thompson shares match the exact
/// probability of being best for two options.
/// </summary>
public sealed class BudgetRecommendationTests
{
    private static BudgetOption Option(string name, double iroas, double spend, double se = 0.2) => new(name, iroas, se, spend);

    private static double[] Spends(BudgetRecommendation r)
    {
        var spends = new double[r.Allocations.Count];
        for (int i = 0; i < spends.Length; i++)
        {
            spends[i] = r.Allocations[i].RecommendedSpend;
        }
        return spends;
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void Equal_iroas_moves_nothing(double elasticity)
    {
        BudgetOption[] options = [Option("search", 2.0, 100), Option("social", 2.0, 250), Option("video", 2.0, 50)];

        var result = EqualMarginalReturn.Recommend(options, new ReallocationOptions(Elasticity: elasticity));

        Assert.Equal(400, result.Budget, 12);
        foreach (var a in result.Allocations)
        {
            Assert.Equal(a.CurrentSpend, a.RecommendedSpend, 9);
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void A_clearly_better_option_moves_up_to_its_bound_and_no_further(double elasticity)
    {
        BudgetOption[] options = [Option("a", 3.0, 100), Option("b", 1.5, 100), Option("c", 1.5, 100)];

        var result = EqualMarginalReturn.Recommend(options, new ReallocationOptions(Elasticity: elasticity));

        // a is capped at +20% (120); b and c share the other 180 by one scale (90 each, inside their [80, 120]).
        Assert.Equal(120, result.Allocations[0].RecommendedSpend, 12);
        Assert.Equal(result.Allocations[0].UpperBound, result.Allocations[0].RecommendedSpend);
        Assert.Equal(90, result.Allocations[1].RecommendedSpend, 9);
        Assert.Equal(90, result.Allocations[2].RecommendedSpend, 9);
        Assert.Equal(EqualMarginalReturn.Method, result.Method);
    }

    [Fact]
    public void With_linear_returns_the_better_half_takes_all_the_room_and_the_worse_half_gives_it_up()
    {
        BudgetOption[] options = [Option("a", 1.2, 100), Option("b", 2.0, 100), Option("c", 0.5, 100), Option("d", 1.0, 100)];

        var result = EqualMarginalReturn.Recommend(options);

        // From the lower bounds (320 of 400) the 80 left fills b then a to +20%; d and c stay at −20%. λ is a's iROAS, the last one funded.
        Assert.Equal([120, 120, 80, 80], Spends(result), (x, y) => Math.Abs(x - y) < 1e-9);
        Assert.Equal(1.2, result.MarginalReturn);
    }

    [Fact]
    public void With_diminishing_returns_the_interior_optimum_equalises_marginal_returns()
    {
        BudgetOption[] options = [Option("a", 1.2, 100), Option("b", 1.0, 100)];
        var settings = new ReallocationOptions(MaxMove: 0.5, FloorShare: 0, Elasticity: 0.5);

        var result = EqualMarginalReturn.Recommend(options, settings);

        // r'ᵢ(s) = b·iROASᵢ·(s/100)^(b−1) equal ⇒ s_a/s_b = (1.2/1.0)² = 1.44, s_a + s_b = 200.
        double a = result.Allocations[0].RecommendedSpend, b = result.Allocations[1].RecommendedSpend;
        Assert.Equal(200 * 1.44 / 2.44, a, 8);
        Assert.Equal(200 / 2.44, b, 8);
        double marginalA = PowerResponse.FromIroas(1.2, 100, 0.5).Marginal(a), marginalB = PowerResponse.FromIroas(1.0, 100, 0.5).Marginal(b);
        Assert.Equal(marginalA, marginalB, 9);
        Assert.Equal(marginalA, result.MarginalReturn!.Value, 9);
    }

    [Fact]
    public void With_diminishing_returns_budget_the_positive_options_cannot_absorb_goes_to_the_least_bad()
    {
        BudgetOption[] options = [Option("good", 2.0, 100), Option("bad", -1.0, 100), Option("less-bad", -0.5, 100)];

        var result = EqualMarginalReturn.Recommend(options, new ReallocationOptions(FloorShare: 0, Elasticity: 0.5));

        // good is capped at 120, both losers cut to 80 leave 20 over, which goes to the less bad one.
        Assert.Equal([120, 80, 100], Spends(result), (x, y) => Math.Abs(x - y) < 1e-9);
        Assert.Null(result.MarginalReturn);
    }

    [Fact]
    public void The_power_response_returns_the_measured_iroas_on_average_at_the_measured_spend()
    {
        var concave = PowerResponse.FromIroas(2.5, 400, 0.6);
        var linear = PowerResponse.FromIroas(2.5, 400, 1);

        Assert.Equal(2.5, concave.Revenue(400) / 400, 12);
        Assert.Equal(0.6 * 2.5, concave.Marginal(400), 12);
        Assert.Equal(400, concave.SpendAtMarginal(1.5), 9);
        Assert.Equal(2.5, linear.Marginal(17), 12);
    }

    [Fact]
    public void An_option_below_the_floor_is_raised_to_it_and_floors_above_the_budget_are_refused()
    {
        BudgetOption[] options = [Option("big", 1.0, 980), Option("tiny", 0.1, 20)];

        var result = EqualMarginalReturn.Recommend(options);

        // Floor 5% of 1,000 = 50 beats tiny's own bounds [16, 24]: tiny re-measurable at 50, big gives up 30.
        Assert.Equal((50.0, 50.0, 50.0), (result.Allocations[1].LowerBound, result.Allocations[1].UpperBound, result.Allocations[1].RecommendedSpend));
        Assert.Equal(950, result.Allocations[0].RecommendedSpend, 9);
        var error = Assert.Throws<ArgumentException>(() => EqualMarginalReturn.Recommend(options, new ReallocationOptions(FloorShare: 0.6)));
        Assert.Contains("lower FloorShare", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ThompsonShares.Recommend([Option("x", 1, 0)]));
        Assert.Throws<ArgumentException>(() => EqualMarginalReturn.Recommend(options, new ReallocationOptions(Elasticity: 0)));
    }

    [Theory]
    [InlineData(2.0, 0.3, 1.7, 0.4)]
    [InlineData(1.0, 0.5, 1.0, 0.1)]
    [InlineData(0.8, 0.05, 1.1, 0.2)]
    public void Thompson_shares_of_two_options_converge_to_the_exact_probability_of_being_best(double m1, double s1, double m2, double s2)
    {
        const int Draws = 200_000;
        double exact = Normal.CDF(0, 1, (m1 - m2) / Math.Sqrt(s1 * s1 + s2 * s2));

        double[] best = ThompsonShares.ProbabilityBest([Option("one", m1, 100, s1), Option("two", m2, 100, s2)], Draws, seed: 7);

        Assert.InRange(best[0], exact - 4 * Math.Sqrt(exact * (1 - exact) / Draws) - 1e-9, exact + 4 * Math.Sqrt(exact * (1 - exact) / Draws) + 1e-9);
        Assert.Equal(1, best[0] + best[1], 12);
    }

    [Fact]
    public void A_certain_winner_takes_its_bound_and_the_rest_share_what_is_left()
    {
        BudgetOption[] options = [Option("a", 3.0, 100, 0.01), Option("b", 1.5, 100, 0.01), Option("c", 1.5, 100, 0.01)];

        var result = ThompsonShares.Recommend(options);

        // p = (1, 0, 0): the target (300, 0, 0) projected on the box is (120, 90, 90).
        Assert.Equal([1.0, 0.0, 0.0], result.Allocations.Select(a => a.ProbabilityBest!.Value));
        Assert.Equal([120, 90, 90], Spends(result), (x, y) => Math.Abs(x - y) < 1e-9);
        Assert.Equal(ThompsonShares.Method, result.Method);
    }

    [Fact]
    public void Equal_posteriors_on_equal_spends_move_almost_nothing_and_the_seed_reproduces_the_draws()
    {
        BudgetOption[] options = [Option("a", 2.0, 100, 0.5), Option("b", 2.0, 100, 0.5), Option("c", 2.0, 100, 0.5)];
        var settings = new ReallocationOptions(Draws: 40_000, Seed: 3);

        var first = ThompsonShares.Recommend(options, settings);
        var again = ThompsonShares.Recommend(options, settings);
        var other = ThompsonShares.Recommend(options, settings with { Seed = 4 });

        // Each p ≈ 1/3 ± 0.0024 (s.e.), so each spend is 300·p ± 0.7; 4 s.e. is 2.8.
        foreach (var a in first.Allocations)
        {
            Assert.InRange(a.RecommendedSpend, 100 - 2.9, 100 + 2.9);
        }
        Assert.Equal(Spends(first), Spends(again));
        Assert.NotEqual(Spends(first), Spends(other));
    }
}
