using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Experiments.Contrasts;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;
using Xunit.Abstractions;
using static LiftPipeline.Tests.Experiments.SufficientStatisticDraws;

namespace LiftPipeline.Tests.Reports;

/// <summary>
/// The recommendation rule under nightly looks, simulated with known truth: with no effect, a campaign read every night
/// for 30 nights must end in scale or stop at most α of the time, for panels (DiD with its jackknife SE on panels that
/// grow one post-treatment period a night) and for holdouts (customers arriving daily); and the "excludes 0 in about N
/// more days" estimate must land near the day it actually happens under a steady effect.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class NightlyDecisionSimulationTests(ITestOutputHelper output)
{
    private const double Alpha = 0.05;
    private const int Looks = 30;

    [Fact]
    // 12 treated units: the jackknife SE needs several to be near-normal (with 4 it rests on 4 values and the fixed-horizon
    // interval alone already over-rejects; the always-valid rule then acts on 12% of null panels).
    public void Panel_recommendations_read_nightly_for_30_periods_act_on_no_effect_at_most_alpha_of_the_time()
    {
        const int replications = 400, units = 40, treatedUnits = 12, pre = 20;
        var acted = new int[replications];
        var peeked = new int[replications];
        Parallel.For(0, replications, r =>
        {
            var rng = Generator(1414, r);
            var y = new double[units * (pre + Looks)];
            for (int i = 0; i < units; i++)
            {
                double unitLevel = 10 * rng.NextDouble();
                for (int t = 0; t < pre + Looks; t++)
                {
                    y[i * (pre + Looks) + t] = unitLevel + Math.Sin(t / 3.0) + Normal(rng);   // two-way fixed effects, iid noise, no treatment effect
                }
            }
            for (int look = 1; look <= Looks; look++)
            {
                var estimate = Measure(y, units, treatedUnits, pre, look);
                var decision = RecommendationRule.Decide(RecommendationBasis.Of(estimate, Alpha, plannedPeriods: Looks), []);
                acted[r] |= decision.Action is Recommendation.Scale or Recommendation.Stop ? 1 : 0;
                peeked[r] |= estimate.Uncertainty!.CiLow > 0 || estimate.Uncertainty.CiHigh < 0 ? 1 : 0;
            }
        });
        double rate = acted.Average(), peeking = peeked.Average();
        output.WriteLine($"panel, {Looks} nightly looks, no effect: always-valid decisions act {rate:F4}; fixed-horizon intervals peeked at {peeking:F4}");
        Assert.True(rate <= Alpha, $"always-valid false-positive rate {rate} exceeds {Alpha}");
        Assert.True(peeking > 2 * Alpha, $"the fixed-horizon interval read nightly should clearly exceed {Alpha} ({peeking}), or the simulation cannot tell the two apart");
    }

    [Fact]
    public void Holdout_recommendations_read_nightly_for_30_days_act_on_no_effect_at_most_alpha_of_the_time()
    {
        const int replications = 4_000;
        const long perArmPerDay = 500;
        var acted = new int[replications];
        Parallel.For(0, replications, r =>
        {
            var rng = Generator(1415, r);
            SampleMoments control = default, treatment = default;
            for (int day = 1; day <= Looks; day++)
            {
                control += Gaussian(rng, perArmPerDay, 40, 25);
                treatment += Gaussian(rng, perArmPerDay, 40, 25);
                var decision = RecommendationRule.Decide(RecommendationBasis.Of(Contrast(control, treatment, 30_000), day, Looks, 30_000, Alpha), []);
                acted[r] |= decision.Action is Recommendation.Scale or Recommendation.Stop ? 1 : 0;
            }
        });
        double rate = acted.Average();
        output.WriteLine($"holdout, {Looks} daily looks, no effect: always-valid decisions act {rate:F4}");
        Assert.True(rate <= Alpha, $"always-valid false-positive rate {rate} exceeds {Alpha}");
    }

    [Fact]
    public void Days_to_decision_at_a_steady_effect_land_within_a_fifth_of_the_actual_day()
    {
        // A +2% lift on a mean of 40 (sd 25) with 500 customers per arm per day: the always-valid interval excludes 0
        // around day 20. Predict on day 8 from that day's estimate; compare with the day it really happens.
        const int replications = 2_000, predictOn = 8, horizon = 60;
        var predicted = new List<int>();
        var actual = new List<int>();
        var gate = new object();
        Parallel.For(0, replications, r =>
        {
            var rng = Generator(1416, r);
            SampleMoments control = default, treatment = default;
            int? forecast = null, happened = null;
            for (int day = 1; day <= horizon && happened is null; day++)
            {
                control += Gaussian(rng, 500, 40, 25);
                treatment += Gaussian(rng, 500, 40 * 1.02, 25);
                var basis = RecommendationBasis.Of(Contrast(control, treatment, 30_000), day, horizon, 30_000, Alpha)!;
                if (day == predictOn && basis.Progress!.MoreLooks is { } more && more > 0)
                {
                    forecast = day + more;
                }
                if (day >= predictOn && (basis.Lower > 0 || basis.Upper < 0))
                {
                    happened = day;
                }
            }
            if (forecast is { } f && happened is { } h && h > predictOn)
            {
                lock (gate)
                {
                    predicted.Add(f);
                    actual.Add(h);
                }
            }
        });
        double medianPredicted = Median(predicted), medianActual = Median(actual);
        output.WriteLine($"steady +2% lift: predicted on day {predictOn} to exclude 0 on day {medianPredicted} (median), actually day {medianActual} (median), {predicted.Count} runs");
        Assert.True(predicted.Count > replications / 2, $"only {predicted.Count} runs had both a forecast and a decision");
        Assert.InRange(medianPredicted, 0.8 * medianActual, 1.2 * medianActual);
    }

    /// <summary>The overall holdout contrast on the relative scale, as the measurer builds it.</summary>
    private static HoldoutContrast Contrast(SampleMoments control, SampleMoments treatment, double tuningN)
    {
        var relative = new ContrastOptions(Alpha, EffectScale.Relative);
        var fixedHorizon = WelchContrast.OfMeans(control, treatment, relative);
        var sequential = ConfidenceSequence.OfMeans(control, treatment, tuningN, relative);
        return new HoldoutContrast
        {
            Treatment = "vbo", Control = "holdout", Metric = "revenue", TreatmentN = treatment.N, ControlN = control.N,
            Relative = fixedHorizon.Effect, RelativeStandardError = fixedHorizon.StandardError,
            RelativeCi = new Interval(fixedHorizon.Lower, fixedHorizon.Upper), AlwaysValidRelativeCi = new Interval(sequential.Lower, sequential.Upper),
        };
    }

    /// <summary>DiD with its jackknife SE on the first <paramref name="pre"/> + <paramref name="look"/> periods; the last units are treated after the pre-period.</summary>
    private static MeasuredEstimate Measure(double[] y, int units, int treatedUnits, int pre, int look)
    {
        int full = y.Length / units, periods = pre + look;
        var values = new double[units * periods];
        var treated = new bool[units * periods];
        for (int i = 0; i < units; i++)
        {
            Array.Copy(y, i * full, values, i * periods, periods);
            for (int t = pre; t < periods && i >= units - treatedUnits; t++)
            {
                treated[i * periods + t] = true;
            }
        }
        var panel = new Panel(Enumerable.Range(0, units).Select(i => $"u{i:D2}").ToArray(), Enumerable.Range(0, periods).Select(t => Period.FromInteger(t)).ToArray(),
            [new PanelMatrix("y", units, periods, values)], treated, null);
        return PanelMeasurer.Measure(panel, new PanelMeasureOptions { Metric = "y", Estimators = ["did"], Variance = "jackknife" }).Estimates[0];
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static double Median(List<int> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2.0;
    }
}
