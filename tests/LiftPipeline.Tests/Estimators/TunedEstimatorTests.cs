using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Tests.Estimators;

/// <summary>Variance methods re-run self-tuning estimators with the original tuning fixed, and that reproduces the estimate.</summary>
public sealed class TunedEstimatorTests
{
    [Fact]
    public void Mc_replications_hold_the_cross_validated_lambda_and_refit_to_the_same_estimate()
    {
        var data = FactorPanel.Simulate(seed: 5, effect: 1);
        var estimate = new MatrixCompletion().Estimate(data);

        var replicator = Assert.IsType<MatrixCompletion>(estimate.Replicator);

        Assert.Equal(estimate.Tuning["lambda"], replicator.Options.Lambda);
        // Same λ, a warm-start path on a slightly different grid: equal up to the solver's stopping tolerance.
        Assert.InRange(Math.Abs(estimate.Att - replicator.Estimate(data).Att), 0, 0.01);
    }

    [Trait("Category", "Simulation")]
    [Fact]
    public void Trop_replications_hold_the_tuned_lambdas_and_refit_to_the_same_estimate()
    {
        var data = FactorPanel.Simulate(seed: 3, effect: 2);
        var trop = new TriplyRobustPanel(new TriplyRobustPanelOptions { TimeGrid = [0, 0.3], UnitGrid = [0, 1], NuclearGrid = [double.PositiveInfinity, 0.1], Cycles = 1 });
        var estimate = trop.Estimate(data);

        var replicator = Assert.IsType<TriplyRobustPanel>(estimate.Replicator);

        Assert.Equal(estimate.Tuning["lambda_time"], replicator.Options.LambdaTime);
        Assert.Equal(estimate.Tuning["lambda_unit"], replicator.Options.LambdaUnit);
        Assert.Equal(estimate.Tuning["low_rank"] > 0 ? estimate.Tuning["lambda_nn"] : double.PositiveInfinity, replicator.Options.LambdaNuclear);
        Assert.Equal(estimate.Att, replicator.Estimate(data).Att, 6);
    }

    [Fact]
    public void Placebo_for_mc_equals_placebo_of_mc_at_the_fixed_lambda()
    {
        var data = FactorPanel.Simulate(seed: 5, effect: 1);
        var options = new VarianceOptions { Replications = 8, Seed = 3 };
        var estimate = new MatrixCompletion().Estimate(data);
        var fixedLambda = new MatrixCompletion(new MatrixCompletionOptions { Lambda = estimate.Tuning["lambda"], WarmStartPath = true });

        var tuned = VarianceEstimators.Create("placebo", options).Estimate(estimate);
        var direct = VarianceEstimators.Create("placebo", options).Estimate(fixedLambda.Estimate(data));

        Assert.Equal(direct.StandardError, tuned.StandardError, 3);
    }
}
