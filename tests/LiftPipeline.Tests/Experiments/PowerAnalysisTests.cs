using LiftPipeline.Statistics.Experiments.Power;

namespace LiftPipeline.Tests.Experiments;

public sealed class PowerAnalysisTests
{
    [Fact]
    public void Mde_at_the_solved_sample_size_is_at_most_the_requested_mde()
    {
        var plan = PowerAnalysis.SampleSize(10, 0.3);
        var back = PowerAnalysis.MinimumDetectableEffect(10, plan.ArmSizes);

        Assert.Equal(17442, plan.ArmSizes[0]); // 2 · 2.8015852² · 100 / 0.09 = 17441.95
        Assert.InRange(back.MdeAbsolute, 0.29999, 0.3);
    }

    [Fact]
    public void Cuped_r2_shrinks_the_sample_size_by_one_minus_r2()
    {
        var raw = PowerAnalysis.SampleSize(1, 0.01);
        var cuped = PowerAnalysis.SampleSize(1, 0.01, new PowerOptions { CupedR2 = 0.5 });

        Assert.InRange(cuped.ArmSizes[0], raw.ArmSizes[0] / 2, raw.ArmSizes[0] / 2 + 1);
    }

    [Fact]
    public void Variance_inflation_multiplies_the_sample_size()
    {
        var raw = PowerAnalysis.SampleSize(1, 0.01);
        var inflated = PowerAnalysis.SampleSize(1, 0.01, new PowerOptions { VarianceInflation = 3 });

        Assert.InRange(inflated.ArmSizes[0], raw.ArmSizes[0] * 3 - 2, raw.ArmSizes[0] * 3); // ceil(3x) vs 3·ceil(x)
    }

    [Fact]
    public void Two_treatment_arms_split_alpha_bonferroni_style()
    {
        var plan = PowerAnalysis.SampleSize(1, 0.1, new PowerOptions { TreatmentArms = 2 });

        Assert.Equal(0.025, plan.AlphaPerComparison);
        Assert.Equal([1902, 1902, 1902], plan.ArmSizes); // 2(z_0.9875 + z_0.8)²/0.01 = 200 · (2.2414027 + 0.8416212)² = 1901.01
        Assert.Equal(5706, plan.TotalN);
    }

    [Fact]
    public void Unequal_allocation_uses_the_variance_of_the_smallest_comparison()
    {
        // Control 50%, two treatments 25%: each comparison has σ²(1/(N/4) + 1/(N/2)) = 6σ²/N.
        var options = new PowerOptions { TreatmentArms = 2, Allocation = [0.5, 0.25, 0.25] };
        var plan = PowerAnalysis.SampleSize(1, 0.1, options);
        double z = 2.2414027 + 0.8416212;
        double total = 6 * z * z / 0.01;

        Assert.Equal(Math.Ceiling(total / 2), plan.ArmSizes[0]);
        Assert.Equal(Math.Ceiling(total / 4), plan.ArmSizes[1]);
        Assert.InRange(plan.MdeAbsolute, 0.09999, 0.1);
    }

    [Fact]
    public void Relative_mde_and_traffic_give_the_duration_in_days()
    {
        var plan = PowerAnalysis.SampleSizeForRelativeLift(baselineMean: 20, standardDeviation: 40, mdeRelative: 0.05, dailyTraffic: 10_000);

        // δ = 1, n = 2 · 2.8015852² · 1600 = 25116.6 → 25117 per arm, 50234 total, 6 days at 10 000 a day.
        Assert.Equal(25117, plan.ArmSizes[0]);
        Assert.Equal(6, plan.Days);
        Assert.Equal(0.05, plan.MdeRelative, 4);
    }

    [Fact]
    public void An_allocation_that_does_not_sum_to_one_is_rejected_with_the_shares()
    {
        var problem = Assert.Throws<ArgumentException>(() => PowerAnalysis.SampleSize(1, 0.1, new PowerOptions { Allocation = [0.5, 0.4] }));

        Assert.Contains("0.5, 0.4", problem.Message);
    }

    [Fact]
    public void The_t_test_sample_size_matches_r_power_t_test_without_searching_far_from_the_normal_approximation()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double n = TwoSampleTPower.SampleSizePerGroup(1, 1, 0.9);
        clock.Stop();

        Assert.Equal(22.0211, n, 4);   // power.t.test(delta = 1, sd = 1, power = 0.9)
        Assert.Equal(0.9, TwoSampleTPower.Power(n, 1, 1), 9);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");   // was ~17 s with the [2, 1e7] bracket
    }

    [Theory]
    [InlineData(0.5, 1, 0.8)]
    [InlineData(0.2, 1, 0.8)]
    [InlineData(3, 1, 0.9)]
    public void The_t_test_sample_size_hits_the_requested_power_for_small_and_large_effects(double delta, double sd, double power)
    {
        double n = TwoSampleTPower.SampleSizePerGroup(delta, sd, power);

        Assert.Equal(power, TwoSampleTPower.Power(n, delta, sd), 8);
    }

    [Fact]
    public void An_always_valid_plan_sizes_for_the_confidence_sequence_at_the_planned_total()
    {
        var fixedHorizon = PowerAnalysis.MinimumDetectableEffect(10, [20_000, 20_000]);
        var alwaysValid = PowerAnalysis.MinimumDetectableEffect(10, [20_000, 20_000], new PowerOptions { AlwaysValid = true });
        double z80 = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.8), z975 = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.975);

        double m = LiftPipeline.Statistics.Experiments.Contrasts.InformationTimeSequence.Multiplier(1, 0.05);
        Assert.Equal(fixedHorizon.MdeAbsolute * (m + z80) / (z975 + z80), alwaysValid.MdeAbsolute, 12);
        // The plan holds what the sequence delivers: at N* = the plan's total, an effect of the MDE is excluded from 0 with 80% power.
        double se = 10 * Math.Sqrt(2.0 / 20_000);
        Assert.Equal(m * se + z80 * se, alwaysValid.MdeAbsolute, 12);
        var sized = PowerAnalysis.SampleSize(10, alwaysValid.MdeAbsolute, new PowerOptions { AlwaysValid = true });
        Assert.InRange(sized.ArmSizes[0], 20_000, 20_001);
        Assert.Throws<ArgumentException>(() => PowerAnalysis.SampleSize(10, 0.3, new PowerOptions { AlwaysValid = true, TwoSided = false }));
    }
}
