using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Estimators;

public sealed class GeoLiftSyntheticControlTests
{
    private static readonly Lazy<PanelEstimate> Plain = new(() => new GeoLiftSyntheticControl().Estimate(ReferencePanels.GeoLiftTest));
    private static readonly Lazy<PanelEstimate> Ridge = new(() => new GeoLiftSyntheticControl(ridge: true).Estimate(ReferencePanels.GeoLiftTest));

    [Fact]
    public void Geolift_on_walkthrough_matches_published_sc_with_fixed_effects()
    {
        var estimate = Plain.Value;

        Assert.Equal(155.556, estimate.Att, 3);
        Assert.Equal(5.4, Math.Round(100 * estimate.Lift, 1));
        Assert.Equal(4667, Math.Round(estimate.Incremental));
        Assert.Equal(909.489, estimate.Fit.L2Imbalance, 3);
        Assert.Equal(0.1636, estimate.Fit.ScaledL2Imbalance, 4);
        Assert.Empty(estimate.Tuning);
    }

    [Fact]
    public void Geolift_weights_match_published_weights_to_four_decimals()
    {
        var published = new Dictionary<string, double>
        {
            ["cincinnati"] = .2272, ["miami"] = .2028, ["baton rouge"] = .1335, ["minneapolis"] = .09, ["dallas"] = .0739,
            ["nashville"] = .0685, ["honolulu"] = .0673, ["austin"] = .0465, ["san diego"] = .0451, ["reno"] = .0306,
            ["san antonio"] = .0054, ["new york"] = .0046, ["houston"] = .0046,
        };
        var weights = Plain.Value.UnitWeights!;

        Assert.Equal(38, weights.Count);
        foreach (var w in weights)
        {
            Assert.Equal(published.GetValueOrDefault(w.Unit), w.Weight, 4);
            Assert.True(w.Weight >= 0);
        }
        Assert.Equal(1.0, weights.Sum(w => w.Weight), 12);
    }

    [Fact]
    public void Geolift_ridge_on_walkthrough_matches_published_augmented_estimate()
    {
        var estimate = Ridge.Value;

        Assert.Equal(156.805, estimate.Att, 3);
        Assert.Equal(5.5, Math.Round(100 * estimate.Lift, 1));
        Assert.Equal(4704, Math.Round(estimate.Incremental));
        Assert.Equal(903.525, estimate.Fit.L2Imbalance, 3);
        Assert.Equal(0.1626, estimate.Fit.ScaledL2Imbalance, 4);
        double lambda = estimate.Tuning["lambda"];
        Assert.True(lambda > 0);
        // The ridge correction is orthogonal to the constant: the augmented weights still sum to one.
        Assert.Equal(1.0, estimate.UnitWeights!.Sum(w => w.Weight), 10);
    }

    [Fact]
    public void Geolift_ridge_lambda_is_a_point_of_the_augsynth_grid()
    {
        var data = ReferencePanels.GeoLiftTest;
        var (x, _) = GeoLiftSyntheticControl.CentredPrePeriod(data);
        var matrix = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(data.N0, data.T0, (i, s) => x[i * data.T0 + s]);
        double top = matrix.Svd(false).S[0];
        var grid = RidgeAugmentation.Grid(top * top);

        Assert.Equal(21, grid.Length);
        Assert.Equal(1e-8, grid[^1] / grid[0], 12);
        Assert.Contains(grid, g => Math.Abs(g - Ridge.Value.Tuning["lambda"]) < 1e-9 * g);
    }

    [Fact]
    public void Ridge_correction_equals_the_direct_ridge_formula_in_period_space()
    {
        // Slow reference: ω_aug − ω_sc = X(X'X + λI)⁻¹(x₁ − X'ω_sc) with the T0×T0 system, X the centred controls (N0×T0).
        var data = ReferencePanels.GeoLiftTest;
        var (x, x1) = GeoLiftSyntheticControl.CentredPrePeriod(data);
        var matrix = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(data.N0, data.T0, (i, s) => x[i * data.T0 + s]);
        var omega = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfEnumerable(Plain.Value.UnitWeights!.Select(w => w.Weight));
        var residual = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(x1) - matrix.TransposeThisAndMultiply(omega);
        var system = matrix.TransposeThisAndMultiply(matrix)
            + MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(data.T0) * Ridge.Value.Tuning["lambda"];
        var expected = omega + matrix * system.Solve(residual);

        var actual = Ridge.Value.UnitWeights!.Select(w => w.Weight).ToArray();
        for (int i = 0; i < data.N0; i++)
        {
            Assert.Equal(expected[i], actual[i], 9);
        }
    }

    [Fact]
    public void Multi_cell_walkthrough_matches_published_ridge_estimates_per_cell()
    {
        var panel = ReferencePanels.GeoLiftMultiCell;
        var measurement = PanelMeasurer.Measure(panel, new PanelMeasureOptions { Metric = "conversions", Estimators = ["geolift-ridge"], Variance = null });

        var cell1 = Assert.Single(measurement.Estimates, e => e.Cell == "cell1");
        var cell2 = Assert.Single(measurement.Estimates, e => e.Cell == "cell2");
        Assert.Equal(["chicago", "cincinnati"], cell1.TreatedUnits);
        Assert.Equal(["honolulu", "indianapolis"], cell2.TreatedUnits);
        Assert.Equal(673.819, cell1.Att, 3);
        Assert.Equal(22.8, Math.Round(100 * cell1.Lift, 1));
        Assert.Equal(20215, Math.Round(cell1.Incremental));
        Assert.Equal(216.423, cell2.Att, 3);
        Assert.Equal(7.1, Math.Round(100 * cell2.Lift, 1));
        Assert.Equal(6493, Math.Round(cell2.Incremental));
        Assert.DoesNotContain(cell1.UnitWeights!, w => w.Unit is "honolulu" or "indianapolis");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Unit_level_shifts_leave_the_estimate_unchanged_and_treated_post_shifts_move_it(bool ridge)
    {
        var data = ReferencePanels.GeoLiftTest;
        var estimator = new GeoLiftSyntheticControl(ridge);
        double baseline = (ridge ? Ridge : Plain).Value.Att;
        // Unit fixed effects: adding a different constant to every unit (controls and treated) changes nothing.
        var values = data.Values.ToArray();
        for (int i = 0; i < data.N; i++)
        {
            for (int t = 0; t < data.T; t++)
            {
                values[i * data.T + t] += 1000 + 37.5 * i;
            }
        }
        var unitShifted = new BlockPanel(values, data.N0, data.N1, data.T0, data.T1, data.Units, data.Periods);
        var postShifted = data.WithTreatedRows((_, t, y) => t >= data.T0 ? y + 50 : y);

        Assert.Equal(baseline, estimator.Estimate(unitShifted).Att, 6);
        Assert.Equal(baseline + 50, estimator.Estimate(postShifted).Att, 6);
    }

    [Fact]
    public void Geolift_names_are_registered()
    {
        Assert.Contains("geolift", PanelEstimators.Names);
        Assert.Contains("geolift-ridge", PanelEstimators.Names);
        Assert.False(((GeoLiftSyntheticControl)PanelEstimators.Create("geolift")).Ridge);
        Assert.True(((GeoLiftSyntheticControl)PanelEstimators.Create("GeoLift-Ridge")).Ridge);
    }
}

public sealed class RidgeLambdaRuleTests
{
    [Fact]
    public void One_standard_error_rule_picks_the_largest_lambda_within_one_se_of_the_minimum()
    {
        double[] lambdas = [100, 10, 1, 0.1];
        // Fold errors (rows) per λ (columns): means 9, 5, 4, 6; se of the minimum column {3,5} is sd 1.414/√2 = 1.
        var errors = new double[,] { { 9, 4, 3, 6 }, { 9, 6, 5, 6 } };

        Assert.Equal(10, RidgeAugmentation.ChooseOneStandardError(lambdas, errors));
    }
}
