using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Estimators;

/// <summary>The exact weight solver against the optimality conditions, computed slowly and directly from the panel.</summary>
public sealed class SynthdidSolverTests
{
    [Theory]
    [InlineData("sdid")]
    [InlineData("sc")]
    [InlineData("difp")]
    public void Exact_unit_weights_satisfy_the_KKT_conditions_of_their_problem(string name)
    {
        var data = ReferencePanels.Prop99;
        var estimator = (SynthdidEstimator)PanelEstimators.Create(name);
        var estimate = estimator.Estimate(data);
        var omega = estimate.UnitWeights!.Select(w => w.Weight).ToArray();

        // Half-gradient of ‖Aω − b‖² + T0·ζ²‖ω‖², A = controls' pre paths (centred over time with an intercept), b = treated pre path.
        double zeta = estimate.Tuning["zeta_omega"];
        double[] Column(int i)
        {
            var path = Enumerable.Range(0, data.T0).Select(t => data[i, t]).ToArray();
            double mean = estimator.Options.OmegaIntercept ? path.Average() : 0;
            return path.Select(v => v - mean).ToArray();
        }
        var columns = Enumerable.Range(0, data.N0).Select(Column).ToArray();
        var b = Column(data.N0);
        var residual = Enumerable.Range(0, data.T0).Select(t => Enumerable.Range(0, data.N0).Sum(i => omega[i] * columns[i][t]) - b[t]).ToArray();
        var gradient = Enumerable.Range(0, data.N0).Select(i => columns[i].Zip(residual, (a, r) => a * r).Sum() + data.T0 * zeta * zeta * omega[i]).ToArray();

        double scale = columns.Max(c => c.Sum(v => v * v));
        double common = gradient.Where((_, i) => omega[i] > 0).Min();
        Assert.All(Enumerable.Range(0, data.N0), i =>
        {
            if (omega[i] > 0)
            {
                Assert.Equal(common, gradient[i], 1e-7 * scale);
            }
            else
            {
                Assert.True(gradient[i] >= common - 1e-7 * scale, $"unit {i}: {gradient[i]} < {common}");
            }
        });
        Assert.Equal(1.0, omega.Sum(), 12);
        Assert.All(omega, w => Assert.True(w >= 0));
    }

    [Fact]
    public void Exact_solution_is_at_least_as_good_as_the_reference_solver()
    {
        var data = ReferencePanels.Prop99;
        foreach (var name in new[] { "sdid", "sc", "difp" })
        {
            var exact = PanelEstimators.Create(name).Estimate(data);
            var frankWolfe = PanelEstimators.Create(name, new PanelEstimatorSettings { Solver = WeightSolver.Synthdid }).Estimate(data);
            var problem = new WeightProblems(data, ((SynthdidEstimator)exact.Estimator).Options.OmegaIntercept)
                .Omega(Enumerable.Range(0, data.N).ToArray(), data.N0, exact.Tuning["zeta_omega"]);

            double exactValue = problem.Objective(exact.UnitWeights!.Select(w => w.Weight).ToArray());
            double frankWolfeValue = problem.Objective(frankWolfe.UnitWeights!.Select(w => w.Weight).ToArray());

            Assert.True(exactValue <= frankWolfeValue + 1e-9 * Math.Abs(frankWolfeValue), $"{name}: {exactValue} > {frankWolfeValue}");
        }
    }

    [Theory]
    [InlineData("sdid", "Exact")]
    [InlineData("sdid", "Synthdid")]
    [InlineData("sc", "Exact")]
    [InlineData("sc", "Synthdid")]
    [InlineData("difp", "Exact")]
    public void Shifting_all_outcomes_leaves_tau_unchanged_and_shifting_treated_post_outcomes_moves_it(string name, string solver)
    {
        var data = ReferencePanels.Prop99;
        var estimator = PanelEstimators.Create(name, new PanelEstimatorSettings { Solver = Enum.Parse<WeightSolver>(solver) });
        var all = new BlockPanel(data.Values.ToArray().Select(v => v + 100).ToArray(), data.N0, data.N1, data.T0, data.T1, data.Units, data.Periods);
        var treatedPost = data.WithTreatedRows((_, t, y) => t >= data.T0 ? y + 7 : y);

        double tau = estimator.Estimate(data).Att;

        Assert.Equal(tau, estimator.Estimate(all).Att, 1e-6);
        Assert.Equal(tau + 7, estimator.Estimate(treatedPost).Att, 1e-9);
    }

    [Theory]
    [InlineData("sdid")]
    [InlineData("sc")]
    [InlineData("difp")]
    public void Reestimating_on_all_rows_from_the_exact_optimum_reproduces_the_estimate(string name)
    {
        var estimate = PanelEstimators.Create(name).Estimate(ReferencePanels.GeoLiftTest);
        var rows = Enumerable.Range(0, estimate.Data.N).ToArray();

        var reestimator = ((IReestimable)estimate.Estimator).Reestimator(estimate);

        Assert.Equal(estimate.Att, reestimator.Att(rows, estimate.Data.N0, updateWeights: true), 1e-6);
        Assert.Equal(estimate.Att, reestimator.Att(rows, estimate.Data.N0, updateWeights: false), 1e-9);
    }
}
