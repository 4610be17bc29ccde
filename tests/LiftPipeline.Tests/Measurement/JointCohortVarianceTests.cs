using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Measurement;

/// <summary>The joint bootstrap and the synthdid family's warm-started joint placebo over staggered cohorts.</summary>
public sealed class JointCohortVarianceTests
{
    /// <summary>24 controls and three cohorts of 3 units (starts 9, 12, 15) over 18 periods, effect 2 on treated cells.</summary>
    private static Panel Staggered()
    {
        const int T = 18;
        int[] first = [.. Enumerable.Repeat(-1, 24), 9, 9, 9, 12, 12, 12, 15, 15, 15];
        int n = first.Length;
        var random = new Random(11);
        var y = new double[n * T];
        var treated = new bool[n * T];
        for (int i = 0; i < y.Length; i++)
        {
            treated[i] = first[i / T] >= 0 && i % T >= first[i / T];
            y[i] = 40 + (i / T) % 6 + Math.Sin(i % T) + random.NextDouble() + (treated[i] ? 2 : 0);
        }
        var periods = Enumerable.Range(0, T).Select(t => Period.FromInteger(t)).ToArray();
        return new Panel(Enumerable.Range(0, n).Select(i => $"u{i:D2}").ToArray(), periods, [new PanelMatrix("y", n, T, y)], treated, null);
    }

    private static PanelMeasureOptions Options(string estimator, string variance, int parallelism = 2) => new()
    {
        Metric = "y", Estimators = [estimator], Variance = variance,
        VarianceOptions = new VarianceOptions { Replications = 60, Seed = 4, MaxDegreeOfParallelism = parallelism },
    };

    [Fact]
    public void Joint_bootstrap_reproduces_from_the_seed_whatever_the_parallelism_and_gives_per_period_standard_errors()
    {
        var panel = Staggered();

        var one = Assert.Single(PanelMeasurer.Measure(panel, Options("did", "bootstrap", 1)).Estimates).Uncertainty!;
        var three = Assert.Single(PanelMeasurer.Measure(panel, Options("did", "bootstrap", 3)).Estimates).Uncertainty!;

        Assert.Equal(one, three);
        Assert.Equal("bootstrap", one.Method);
        Assert.InRange(one.StandardError, 0.05, 1.0);
        Assert.Equal(9, one.PeriodStandardErrors!.Count);   // calendar periods 9..17
        Assert.All(one.PeriodStandardErrors, se => Assert.True(se > 0));
        // Nine treated units: the bootstrap counts at most min(N0, N1) and warns (it is too narrow there; JointCohortBootstrapSimulationTests).
        Assert.Equal(9, one.DistinctReplications);
        Assert.StartsWith("The bootstrap standard error rests on 9 distinct replication values", Assert.Single(one.Warnings));
    }

    [Fact]
    public void Joint_sdid_placebo_covers_the_effect_and_only_the_independent_combination_warns()
    {
        var panel = Staggered();

        var joint = Assert.Single(PanelMeasurer.Measure(panel, Options("sdid", "placebo")).Estimates);
        var independent = Assert.Single(PanelMeasurer.Measure(panel, Options("sdid", "placebo") with { CohortVariance = CohortVariance.Independent }).Estimates);

        Assert.Equal(joint.Att, independent.Att);
        Assert.InRange(2.0, joint.Uncertainty!.CiLow, joint.Uncertainty.CiHigh);
        Assert.Empty(joint.Uncertainty.Warnings);
        Assert.Contains(independent.Uncertainty!.Warnings, w => w.Contains("as if independent", StringComparison.Ordinal));
        Assert.Equal(joint.Effects.Count, joint.Uncertainty.PeriodStandardErrors!.Count);
    }
}
