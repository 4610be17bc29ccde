using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Tests.Estimators;

namespace LiftPipeline.Tests.Inference;

public sealed class JackknifeAndBootstrapTests
{
    [Theory]
    [InlineData("sdid")]
    [InlineData("sc")]
    [InlineData("difp")]
    public void Jackknife_on_geolift_equals_a_direct_leave_one_out_with_fixed_weights(string name)
    {
        var data = ReferencePanels.GeoLiftTest;
        var estimate = PanelEstimators.Create(name).Estimate(data);
        var omega = estimate.UnitWeights!.Select(w => w.Weight).ToArray();
        var lambda = estimate.TimeWeights?.Select(w => w.Weight).ToArray();

        // τ₍ᵢ₎ = mean treated (post mean − λ'pre) − Σ ω̃_j (post mean − λ'pre), ω̃ renormalised without unit i.
        double Difference(int i) => Enumerable.Range(data.T0, data.T1).Average(t => data[i, t])
            - (lambda is null ? 0 : Enumerable.Range(0, data.T0).Sum(t => lambda[t] * data[i, t]));
        var leaveOneOut = Enumerable.Range(0, data.N).Select(left =>
        {
            var controls = Enumerable.Range(0, data.N0).Where(i => i != left).ToArray();
            double total = controls.Sum(i => omega[i]);
            double synthetic = controls.Sum(i => omega[i] / total * Difference(i));
            return Enumerable.Range(data.N0, data.N1).Where(i => i != left).Average(Difference) - synthetic;
        }).ToArray();
        double mean = leaveOneOut.Average();
        double expected = Math.Sqrt((data.N - 1.0) / data.N * leaveOneOut.Sum(u => (u - mean) * (u - mean)));

        var uncertainty = VarianceEstimators.Create("jackknife").Estimate(estimate);

        Assert.Equal(expected, uncertainty.StandardError, 1e-9);
        Assert.True(uncertainty.StandardError > 0);
    }

    [Fact]
    public void Jackknife_with_one_treated_unit_is_refused_with_a_clear_message()
    {
        var estimate = PanelEstimators.Create("sdid").Estimate(ReferencePanels.Prop99);

        var error = Assert.Throws<MeasurementNotPossibleException>(() => new JackknifeVariance(new VarianceOptions()).Estimate(estimate));

        Assert.Contains("single treated unit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bootstrap_results_do_not_depend_on_the_degree_of_parallelism()
    {
        var estimate = PanelEstimators.Create("sdid").Estimate(ReferencePanels.GeoLiftTest);

        var one = new BootstrapVariance(new VarianceOptions { Replications = 30, Seed = 5, MaxDegreeOfParallelism = 1 }).Estimate(estimate);
        var three = new BootstrapVariance(new VarianceOptions { Replications = 30, Seed = 5, MaxDegreeOfParallelism = 3 }).Estimate(estimate);

        Assert.Equal(one, three);
        Assert.True(one.StandardError > 0 && double.IsFinite(one.StandardError));
    }

    [Fact]
    public void Bootstrap_of_did_equals_a_direct_resampling_with_the_same_draws()
    {
        var data = ReferencePanels.GeoLiftTest;
        var options = new VarianceOptions { Replications = 25, Seed = 11 };
        var estimate = new DifferenceInDifferences().Estimate(data);

        var draws = Enumerable.Range(0, options.Replications).Select(r =>
        {
            var random = new Random(Replications.Seed(options.Seed, r));
            int[] rows;
            do
            {
                rows = Enumerable.Range(0, data.N).Select(_ => random.Next(data.N)).ToArray();
            }
            while (rows.All(i => i < data.N0) || rows.All(i => i >= data.N0));
            Array.Sort(rows);
            return new DifferenceInDifferences().Estimate(data.WithRows(rows, rows.Count(i => i < data.N0))).Att;
        }).ToArray();
        double mean = draws.Average();

        var uncertainty = new BootstrapVariance(options).Estimate(estimate);

        Assert.Equal(Math.Sqrt(draws.Sum(v => (v - mean) * (v - mean)) / draws.Length), uncertainty.StandardError, 9);
    }

    [Fact]
    public void Registry_creates_the_variance_methods_by_name()
    {
        Assert.Equal(["placebo", "jackknife", "bootstrap"], VarianceEstimators.Names.Take(3));
        Assert.Equal("bootstrap", VarianceEstimators.Create("Bootstrap").Name);
    }
}
