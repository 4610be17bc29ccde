using System.Globalization;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Experiments.Contrasts;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;
using static LiftPipeline.Tests.Experiments.ExperimentExportKit;

namespace LiftPipeline.Tests.Experiments;

/// <summary>
/// The holdout measurer on a simulated audience holdout written by DuckDB with known truth: holdout 20%, vbo 40%,
/// vbo_1p 40%; VBO lifts revenue 5% everywhere, VBO+1P 5% for new and regular customers and 25% for VIPs; a pre-period
/// revenue correlated with revenue (CUPED); 80% exposure in the treated arms, 2% leakage into the holdout; spend 0.5 per
/// exposed customer; unsubscribes up 30% under VBO+1P. The reference numbers come from DuckDB on the same file.
/// </summary>
public sealed class HoldoutMeasurerTests : IClassFixture<HoldoutMeasurerTests.Export>
{
    public sealed class Export : IDisposable
    {
        private readonly TempDirectory _dir = TestData.TempDirectory();

        public Export()
        {
            Path = System.IO.Path.Combine(_dir.FullName, "holdout.parquet");
            Write(Path, Select, 50_000);
            Statistics = ExperimentStatisticsBuilder.ComputeAsync(Path).GetAwaiter().GetResult();
        }

        public string Path { get; }

        public ExperimentStatistics Statistics { get; }

        public void Dispose() => _dir.Dispose();
    }

    private const int Rows = 150_000;

    // Uniforms per row and stream; normals by Box–Muller from two streams.
    private static string U(int k) => $"(((hash(i * 7919 + {k}) % 1000003) + 0.5) / 1000003.0)";

    private static string Z(int k) => $"(sqrt(-2 * ln({U(k)})) * cos(2 * pi() * {U(k + 1)}))";

    private static readonly string Select = $"""
        WITH base AS (
          SELECT i,
            CASE WHEN {U(1)} < 0.2 THEN 'holdout' WHEN {U(1)} < 0.6 THEN 'vbo' ELSE 'vbo_1p' END AS arm,
            CASE WHEN {U(2)} < 0.5 THEN 'new' WHEN {U(2)} < 0.85 THEN 'regular' ELSE 'vip' END AS segment,
            exp(3 + 0.5 * {Z(3)}) AS pre
          FROM range({Rows}) t(i))
        SELECT i AS customer_id, arm, segment,
          CASE WHEN {U(5)} < 0.5 THEN 'web' ELSE 'app' END AS surface,
          CASE WHEN arm = 'holdout' THEN {U(6)} < 0.02 ELSE {U(6)} < 0.8 END AS exposed,
          CASE WHEN arm <> 'holdout' AND {U(6)} < 0.8 THEN 0.5 ELSE 0.0 END AS spend,
          pre AS pre_revenue,
          (0.8 * pre + 10 * exp(0.3 * {Z(7)})) * CASE WHEN arm = 'vbo' THEN 1.05 WHEN arm = 'vbo_1p' AND segment = 'vip' THEN 1.25 WHEN arm = 'vbo_1p' THEN 1.05 ELSE 1.0 END AS revenue,
          ({U(9)} < 0.1 * CASE WHEN arm = 'vbo_1p' THEN 1.3 ELSE 1.0 END)::INTEGER AS unsubscribes
        FROM base
        """;

    private readonly Export _export;

    public HoldoutMeasurerTests(Export export) => _export = export;

    private HoldoutMeasurement Measure(HoldoutSettings? settings = null, GuardrailThresholds? guardrails = null) =>
        HoldoutMeasurer.Measure(_export.Statistics, new HoldoutMeasureOptions
        {
            Metrics = ["revenue", "unsubscribes"],
            Settings = settings ?? new HoldoutSettings
            {
                Allocation = new Dictionary<string, double> { ["holdout"] = 0.2, ["vbo"] = 0.4, ["vbo_1p"] = 0.4 },
                Contrasts = [new ArmContrast("vbo_1p", "vbo")],
            },
            Guardrails = guardrails ?? new GuardrailThresholds { MaxControlExposure = 0.05 },
        });

    private static HoldoutContrast Overall(HoldoutMeasurement m, string treatment, string control, string metric, ContrastKind kind = ContrastKind.Mean) =>
        m.Contrasts.Single(c => c.Treatment == treatment && c.Control == control && c.Metric == metric && c.Kind == kind && c.Segment is null && c.Surface is null);

    private double Scalar(string sql) => Double(Query(sql.Replace("{f}", $"read_parquet('{_export.Path}')", StringComparison.Ordinal))[0][0]);

    [Fact]
    public void Every_arm_is_compared_with_the_holdout_and_vbo_1p_with_vbo_on_each_metric()
    {
        var m = Measure();

        var overall = m.Contrasts.Where(c => c.Kind == ContrastKind.Mean && c.Segment is null && c.Surface is null && c.Market is null)
            .Select(c => $"{c.Treatment}/{c.Control}/{c.Metric}");
        Assert.Equal(["vbo/holdout/revenue", "vbo/holdout/unsubscribes", "vbo_1p/holdout/revenue", "vbo_1p/holdout/unsubscribes", "vbo_1p/vbo/revenue", "vbo_1p/vbo/unsubscribes"], overall);
        Assert.Equal(["holdout", "vbo", "vbo_1p"], m.Arms.Select(a => a.Arm));
        Assert.Equal(Rows, m.Arms.Sum(a => a.N));
    }

    [Fact]
    public void The_cuped_effect_equals_the_difference_of_adjusted_means_with_theta_pooled_over_all_arms()
    {
        var c = Overall(Measure(), "vbo_1p", "holdout", "revenue");

        double theta = Scalar("SELECT regr_slope(revenue, pre_revenue) FROM {f}");
        double adjusted(string arm) => Scalar($"SELECT avg(revenue) - {theta.ToString("R", CultureInfo.InvariantCulture)} * avg(pre_revenue) FROM {{f}} WHERE arm = '{arm}'");
        Assert.True(c.Cuped);
        Assert.Equal(adjusted("vbo_1p") - adjusted("holdout"), c.Absolute, 9);
        Assert.Equal(Scalar("SELECT avg(revenue) FROM {f} WHERE arm = 'holdout'"), c.ControlMean, 9);
        Assert.Equal(c.Absolute / c.ControlMean, c.Relative, 12);
    }

    [Fact]
    public void The_true_lifts_lie_in_their_intervals_and_the_always_valid_interval_is_wider()
    {
        var m = Measure();
        var vbo = Overall(m, "vbo", "holdout", "revenue");
        var onePVsVbo = Overall(m, "vbo_1p", "vbo", "revenue");

        // True mean revenue: 0.8·E[pre] + 10·E[e^{0.3Z}] per customer, lifted 5% by VBO.
        Assert.InRange(0.05, vbo.RelativeCi.Lower, vbo.RelativeCi.Upper);
        Assert.True(vbo.RelativeCi.Lower > 0, "VBO's 5% lift is detected at n = 60,000 per arm");
        Assert.True(onePVsVbo.Relative > 0 && onePVsVbo.RelativeCi.Lower > 0, "1P beats VBO alone through its VIP segment");
        Assert.True(vbo.AlwaysValidCi.Lower < vbo.Ci.Lower && vbo.AlwaysValidCi.Upper > vbo.Ci.Upper);
    }

    [Fact]
    public void The_vip_segment_differs_after_holm_adjustment_and_new_customers_do_not_beyond_vbo()
    {
        var bySegment = Measure().Contrasts.Where(c => c.Treatment == "vbo_1p" && c.Control == "vbo" && c.Metric == "revenue" && c.Segment is not null)
            .ToDictionary(c => c.Segment!);

        Assert.Equal(["new", "regular", "vip"], bySegment.Keys.Order(StringComparer.Ordinal));
        Assert.True(bySegment["vip"].PAdjusted < 0.001, $"vip adjusted p {bySegment["vip"].PAdjusted}");
        Assert.InRange(1.25 / 1.05 - 1, bySegment["vip"].RelativeCi.Lower, bySegment["vip"].RelativeCi.Upper);
        Assert.True(bySegment["new"].PAdjusted > 0.05, $"new adjusted p {bySegment["new"].PAdjusted}");
        Assert.All(bySegment.Values, c => Assert.True(c.PAdjusted >= c.PValue));
    }

    [Fact]
    public void Iroas_divides_incremental_revenue_by_incremental_spend()
    {
        var c = Overall(Measure(), "vbo_1p", "holdout", "revenue");

        double spend = Scalar("SELECT sum(spend) FROM {f} WHERE arm = 'vbo_1p'") - Scalar("SELECT sum(spend) FROM {f} WHERE arm = 'holdout'")
            * Scalar("SELECT count(*) FROM {f} WHERE arm = 'vbo_1p'") / Scalar("SELECT count(*) FROM {f} WHERE arm = 'holdout'");
        Assert.Equal(c.Incremental / spend, c.Iroas!.Value, 9);
        Assert.Equal(c.Absolute * c.TreatmentN, c.Incremental, 6);
        Assert.Equal(c.IncrementalCi.Lower / spend, c.IroasCi.Lower, 9);
        Assert.Equal(1000 * c.Absolute, c.IncrementalPer1000, 9);
    }

    [Fact]
    public void The_effect_on_the_exposed_is_the_intention_to_treat_effect_over_the_exposure_gap()
    {
        var c = Overall(Measure(), "vbo", "holdout", "revenue", ContrastKind.OnTreated);

        double itt = Scalar("SELECT avg(revenue) FROM {f} WHERE arm = 'vbo'") - Scalar("SELECT avg(revenue) FROM {f} WHERE arm = 'holdout'");
        double gap = Scalar("SELECT avg(exposed::INTEGER) FROM {f} WHERE arm = 'vbo'") - Scalar("SELECT avg(exposed::INTEGER) FROM {f} WHERE arm = 'holdout'");
        Assert.Equal(itt / gap, c.Absolute, 9);
        Assert.True(c.Ci.Lower < c.Absolute && c.Absolute < c.Ci.Upper);
    }

    [Fact]
    public void Guardrails_pass_srm_on_the_planned_split_flag_a_wrong_plan_contamination_and_harm()
    {
        var fine = Measure();
        var wrongPlan = Measure(new HoldoutSettings { Allocation = new Dictionary<string, double> { ["holdout"] = 1 / 3.0, ["vbo"] = 1 / 3.0, ["vbo_1p"] = 1 / 3.0 } },
            new GuardrailThresholds { MaxControlExposure = 0.01, Harm = [new HarmCheck("unsubscribes", 0.05, HigherIsBetter: false)] });

        GuardrailStatus Status(HoldoutMeasurement m, string name) => m.Guardrails.Single(g => g.Name == name).Status;
        Assert.Equal(GuardrailStatus.Pass, Status(fine, HoldoutGuardrails.Srm));
        Assert.Equal(GuardrailStatus.Pass, Status(fine, HoldoutGuardrails.Contamination));
        Assert.Equal(GuardrailStatus.Breach, Status(wrongPlan, HoldoutGuardrails.Srm));
        Assert.Equal(GuardrailStatus.Breach, Status(wrongPlan, HoldoutGuardrails.Contamination));
        Assert.Equal(0.02, wrongPlan.Guardrails.Single(g => g.Name == HoldoutGuardrails.Contamination).Evidence["exposedShare"], 2);
        var harm = wrongPlan.Guardrails.Single(g => g.Name == HoldoutGuardrails.Harm);
        Assert.Equal(GuardrailStatus.Breach, harm.Status);
        Assert.Contains("vbo_1p harms unsubscribes", harm.Message);
        Assert.DoesNotContain("vbo harms", harm.Message);
    }

    [Fact]
    public void The_underpowered_guardrail_sizes_the_primary_contrast_for_the_always_valid_interval_at_the_planned_n()
    {
        var thresholds = new GuardrailThresholds { MaxControlExposure = 0.05, TargetRelativeMde = 0.0001 };
        var m = Measure(new HoldoutSettings { PrimaryContrast = new ArmContrast("vbo_1p", "vbo"), SequentialTuningN = 1_000_000 }, thresholds);

        var result = m.Guardrails.Single(g => g.Name == HoldoutGuardrails.Underpowered);
        var primary = Overall(m, "vbo_1p", "vbo", "revenue");
        double r = (primary.TreatmentN + primary.ControlN) / 1e6;
        // At N* = 10⁶ the SE shrinks by √r, and the always-valid multiplier at r = 1 replaces z₀.₉₇₅.
        double expected = (InformationTimeSequence.Multiplier(1, 0.05) + MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.8)) * primary.RelativeStandardError * Math.Sqrt(r);
        Assert.Equal(GuardrailStatus.Breach, result.Status);
        Assert.Equal(expected, result.Evidence["mdeRelative"], 12);
        Assert.Contains("vbo_1p against vbo", result.Message);
        Assert.Contains("at the planned 1,000,000 customers", result.Message);
        // Past N* the horizon is today's sample: the always-valid half-width plus z₀.₈ standard errors.
        var today = Measure(new HoldoutSettings { PrimaryContrast = new ArmContrast("vbo_1p", "vbo"), SequentialTuningN = 1000 }, thresholds);
        var c = Overall(today, "vbo_1p", "vbo", "revenue");
        double half = (c.AlwaysValidRelativeCi.Upper - c.AlwaysValidRelativeCi.Lower) / 2;
        Assert.Equal(half + 0.8416212335729143 * c.RelativeStandardError, today.Guardrails.Single(g => g.Name == HoldoutGuardrails.Underpowered).Evidence["mdeRelative"], 9);
    }

    [Fact]
    public void A_missing_control_arm_is_named_with_the_arms_the_export_has()
    {
        var error = Assert.Throws<MeasurementNotPossibleException>(() => Measure(new HoldoutSettings { Control = "ghost" }));

        Assert.Contains("'ghost' is not in the export; its arms are holdout, vbo, vbo_1p", error.Message);
    }

    [Fact]
    public void The_revenue_tail_is_fitted_and_light_enough_for_a_normal_interval()
    {
        var tail = Measure().Tails.Single(t => t.Metric == "revenue");

        Assert.InRange(tail.TailIndex, -0.5, 0.25);
        Assert.False(tail.TooHeavy);
    }

    [Fact]
    public void The_primary_contrast_is_the_first_arm_against_the_control_unless_chosen_and_a_chosen_one_is_measured()
    {
        var byDefault = Measure();
        var chosen = Measure(new HoldoutSettings { PrimaryContrast = new ArmContrast("vbo_1p", "vbo") });

        Assert.Equal(new ArmContrast("vbo", "holdout"), byDefault.PrimaryContrast);
        Assert.Same(Overall(byDefault, "vbo", "holdout", "revenue"), byDefault.Primary);
        // Not among the extra contrasts, yet measured because it decides; revenue is the primary metric.
        Assert.Same(Overall(chosen, "vbo_1p", "vbo", "revenue"), chosen.Primary);
        // The truth: VIPs (15%) gain 1.25/1.05 over VBO, everyone else nothing.
        Assert.InRange(0.15 * (1.25 - 1.05) / 1.05, chosen.Primary!.RelativeCi.Lower, chosen.Primary.RelativeCi.Upper);
    }

    [Fact]
    public void A_primary_contrast_naming_a_missing_arm_is_named_with_the_arms_the_export_has()
    {
        var error = Assert.Throws<MeasurementNotPossibleException>(() => Measure(new HoldoutSettings { PrimaryContrast = new ArmContrast("vbo_2p", "vbo") }));

        Assert.Contains("The primary contrast vbo_2p:vbo names arm 'vbo_2p', which is not in the export; its arms are holdout, vbo, vbo_1p.", error.Message);
    }
}
