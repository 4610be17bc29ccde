using LiftPipeline.Statistics.Decisions.Privacy;

namespace LiftPipeline.Tests.Decisions.Privacy;

/// <summary>Noise scales against the issue's vectors and the exact analytic condition, draws, and the widened interval.</summary>
public sealed class NoiseMechanismTests
{
    // The smallest σ meeting the exact condition, computed independently (bisection with erfc, Python double precision).
    [Theory]
    [InlineData(1.0, 3.730632)]
    [InlineData(0.5, 7.031827)]
    public void Analytic_gaussian_sigma_is_the_smallest_sigma_meeting_the_exact_condition(double epsilon, double sigma)
    {
        var mechanism = GaussianMechanism.Analytic(sensitivity: 1, epsilon, delta: 1e-5);

        Assert.Equal(sigma, mechanism.Sigma, 5);
    }

    // The issue's vectors (3.7324, 7.0352) are private (δ = 9.92e-6 ≤ 1e-5) but about 0.05% above the smallest σ.
    [Theory]
    [InlineData(1.0, 3.7324)]
    [InlineData(0.5, 7.0352)]
    public void Issue_vectors_meet_the_condition_and_lie_within_a_tenth_of_a_percent_of_the_analytic_sigma(double epsilon, double sigma)
    {
        var mechanism = GaussianMechanism.Analytic(sensitivity: 1, epsilon, delta: 1e-5);

        Assert.InRange(GaussianMechanism.AnalyticDelta(1, epsilon, sigma), 9.9e-6, 1e-5);
        Assert.InRange(sigma / mechanism.Sigma, 1.0, 1.001);
    }

    [Theory]
    [InlineData(1.0, 4.8448)]
    [InlineData(0.5, 9.6896)]
    public void Classical_gaussian_sigma_matches_the_formula_vector(double epsilon, double sigma)
    {
        var mechanism = GaussianMechanism.Classical(sensitivity: 1, epsilon, delta: 1e-5);

        Assert.Equal(sigma, mechanism.Sigma, 4);
    }

    [Theory]
    [InlineData(1.0, 1e-5)]
    [InlineData(0.5, 1e-5)]
    [InlineData(3.0, 1e-6)]
    [InlineData(0.1, 1e-3)]
    [InlineData(20, 1e-5)]
    [InlineData(800, 1e-5)]
    public void Analytic_sigma_meets_delta_exactly_and_a_smaller_sigma_does_not(double epsilon, double delta)
    {
        var mechanism = GaussianMechanism.Analytic(2.5, epsilon, delta);

        Assert.True(GaussianMechanism.AnalyticDelta(2.5, epsilon, mechanism.Sigma) <= delta);
        Assert.True(GaussianMechanism.AnalyticDelta(2.5, epsilon, mechanism.Sigma * (1 - 1e-9)) > delta);
    }

    [Fact]
    public void Analytic_sigma_scales_with_the_sensitivity_and_is_below_the_classical_one()
    {
        var unit = GaussianMechanism.Analytic(1, 0.8, 1e-5);
        var scaled = GaussianMechanism.Analytic(7, 0.8, 1e-5);

        Assert.Equal(7 * unit.Sigma, scaled.Sigma, 1e-9);
        Assert.True(unit.Sigma < GaussianMechanism.Classical(1, 0.8, 1e-5).Sigma);
    }

    [Fact]
    public void Classical_calibration_refuses_epsilon_above_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianMechanism.Classical(1, 1.5, 1e-5));
    }

    [Fact]
    public void Laplace_scale_is_sensitivity_over_epsilon_and_its_variance_two_b_squared()
    {
        var mechanism = new LaplaceMechanism(sensitivity: 3, epsilon: 0.5);

        Assert.Equal(6, mechanism.Scale, 12);
        Assert.Equal(72, mechanism.NoiseVariance, 12);
        Assert.Equal(0.125, mechanism.Rho, 12);
    }

    [Fact]
    public void Noise_draws_reproduce_from_the_seed_and_have_the_stated_variance()
    {
        NoiseMechanism[] mechanisms = [new LaplaceMechanism(1, 0.5), new GaussianMechanism(1, 4)];
        foreach (var mechanism in mechanisms)
        {
            var first = new Random(17);
            var second = new Random(17);
            Assert.Equal(mechanism.SampleNoise(first), mechanism.SampleNoise(second));

            const int n = 200_000;
            double sum = 0, squares = 0;
            for (int i = 0; i < n; i++)
            {
                double e = mechanism.SampleNoise(first);
                sum += e;
                squares += e * e;
            }
            double mean = sum / n, variance = squares / n - mean * mean;
            Assert.InRange(mean, -0.05, 0.05);
            Assert.InRange(variance / mechanism.NoiseVariance, 0.98, 1.02);
        }
    }

    [Fact]
    public void Widened_interval_adds_the_noise_variance_to_the_sampling_variance()
    {
        var release = NoisyRelease.Widen(value: 10, standardError: 3, noiseVariance: 16);

        Assert.Equal(5, release.StandardError, 12);
        Assert.Equal(4, release.NoiseStandardDeviation, 12);
        Assert.Equal(10 - 1.959964 * 5, release.Lower, 5);
        Assert.Equal(10 + 1.959964 * 5, release.Upper, 5);
    }
}
