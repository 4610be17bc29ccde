using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Experiments.Contrasts;
namespace LiftPipeline.Statistics.Measurement;

/// <summary>Computes the contrasts of one holdout measurement (see <see cref="HoldoutMeasurer"/>); holds its settings.</summary>
internal sealed class ContrastContext(ExperimentStatistics statistics, HoldoutMeasureOptions options, IReadOnlyList<string> metrics)
{
    /// <summary>iROAS and cost per incremental conversion need incremental spend of at least this share of the treatment arm's spend.</summary>
    public const double MinimumSpendShare = 0.05;

    private readonly ContrastOptions _absolute = new(options.Alpha, EffectScale.Absolute);
    private readonly ContrastOptions _relative = new(options.Alpha, EffectScale.Relative);
    private readonly double _tuningN = options.Settings.SequentialTuningN;
    private readonly string? _revenue = MoneyMetrics.RevenueOf(options.Settings.RevenueMetric, metrics);
    private readonly string? _conversions = MoneyMetrics.ConversionsOf(options.Settings.ConversionMetric, metrics);
    private readonly bool _hasExposure = statistics.Arms.Count > 0 && statistics.ForArm(statistics.Arms[0]) is { N: > 0 } first && first.WithExposure == first.N;

    /// <summary>The arm's media spend: from the export when it has spend, else campaign.json's <c>holdout.spend</c> (0 when neither).</summary>
    public double SpendOf(CellStatistics arm, string name) =>
        arm.Spend > 0 ? arm.Spend : options.Settings.Spend is { } spend && spend.TryGetValue(name, out double s) ? s : 0;

    /// <summary>The mean contrast of one metric within a group of cells keyed by arm (the arms overall, or one level).</summary>
    public HoldoutContrast? Mean(IReadOnlyDictionary<string, CellStatistics> group, string treatment, string control, string metric, (ExperimentDimension Dimension, string Level)? level)
    {
        if (!group.TryGetValue(treatment, out var t) || !group.TryGetValue(control, out var c) || t.N < 2 || c.N < 2)
        {
            return null;
        }
        string covariate = "pre_" + metric;
        bool cuped = statistics.Covariates.Contains(covariate);
        ArmSummary ts, cs;
        if (cuped)
        {
            // One θ pooled over every arm of the group, so all contrasts of the metric use the same adjustment.
            double theta = CupedAdjustment.PooledTheta(group.Values.Select(g => g.Cuped(metric, covariate)).ToArray());
            ts = ArmSummary.OfCuped(t.Cuped(metric, covariate), theta);
            cs = ArmSummary.OfCuped(c.Cuped(metric, covariate), theta);
        }
        else
        {
            ts = ArmSummary.OfMean(t.Outcome(metric));
            cs = ArmSummary.OfMean(c.Outcome(metric));
        }
        string method = cuped ? "cuped" : "welch";
        var contrast = Build(treatment, control, metric, ContrastKind.Mean, t, c, level,
            WelchContrast.Estimate(cs, ts, _absolute, method), WelchContrast.Estimate(cs, ts, _relative, method),
            ConfidenceSequence.Estimate(cs, ts, _tuningN, _absolute), ConfidenceSequence.Estimate(cs, ts, _tuningN, _relative)) with { Cuped = cuped };
        return WithMoney(contrast, t, c, treatment, control, level is null);
    }

    /// <summary>A ratio metric (Σ numerator ÷ Σ denominator per arm) by the delta method.</summary>
    public HoldoutContrast? Ratio(CellStatistics t, CellStatistics c, RatioMetric ratio)
    {
        if (t.N < 2 || c.N < 2)
        {
            return null;
        }
        var tm = t.Ratio(ratio.Numerator, ratio.Denominator);
        var cm = c.Ratio(ratio.Numerator, ratio.Denominator);
        if (!(tm.SumX > 0 && cm.SumX > 0))
        {
            return null;
        }
        var ts = ArmSummary.OfRatio(tm);
        var cs = ArmSummary.OfRatio(cm);
        return Build(t.Key.Arm, c.Key.Arm, ratio.Name, ContrastKind.Ratio, t, c, null,
            WelchContrast.Estimate(cs, ts, _absolute, "ratio"), WelchContrast.Estimate(cs, ts, _relative, "ratio"),
            ConfidenceSequence.Estimate(cs, ts, _tuningN, _absolute), ConfidenceSequence.Estimate(cs, ts, _tuningN, _relative));
    }

    /// <summary>The effect on the exposed of each contrast whose arms differ in exposure, when the export has an <c>exposed</c> column.</summary>
    public IEnumerable<HoldoutContrast> OnTreated(IReadOnlyDictionary<string, CellStatistics> arms, IReadOnlyList<(string Treatment, string Control)> pairs, IReadOnlyList<string> metrics)
    {
        if (!_hasExposure)
        {
            yield break;
        }
        foreach (var (treatment, control) in pairs)
        {
            var t = arms[treatment];
            var c = arms[control];
            if (!StrongFirstStage(t, c))
            {
                continue;   // the arms barely differ in exposure (e.g. two funded arms): the ratio would divide by noise
            }
            foreach (var metric in metrics)
            {
                ContrastEstimate estimate;
                try
                {
                    estimate = ComplierEffect.Estimate(c.Exposure(metric), t.Exposure(metric), _absolute);
                }
                catch (MeasurementNotPossibleException)
                {
                    continue;   // equal exposure shares (no first stage, nothing to scale) or an arm too small
                }
                double relative = estimate.Effect / Math.Abs(estimate.ControlMean);
                yield return new HoldoutContrast
                {
                    Treatment = treatment, Control = control, Metric = metric, Kind = ContrastKind.OnTreated,
                    TreatmentN = t.N, ControlN = c.N, TreatmentMean = estimate.TreatmentMean, ControlMean = estimate.ControlMean,
                    Absolute = estimate.Effect, AbsoluteStandardError = estimate.StandardError, Ci = new Interval(estimate.Lower, estimate.Upper),
                    Relative = relative, RelativeStandardError = estimate.StandardError / Math.Abs(estimate.ControlMean), RelativeCi = new Interval(estimate.Lower / Math.Abs(estimate.ControlMean), estimate.Upper / Math.Abs(estimate.ControlMean)),
                    PValue = estimate.PValue, Incremental = estimate.Effect * t.Exposed,
                    IncrementalCi = new Interval(estimate.Lower * t.Exposed, estimate.Upper * t.Exposed),
                    IncrementalPer1000 = 1000 * estimate.Effect,
                };
            }
        }
    }

    /// <summary>
    /// The exposure gap is a strong instrument: first-stage F = gap² / Var(gap) of at least 10 (Staiger and Stock 1997,
    /// "Instrumental Variables Regression with Weak Instruments", Econometrica 65).
    /// </summary>
    private static bool StrongFirstStage(CellStatistics t, CellStatistics c)
    {
        double et = (double)t.Exposed / t.N, ec = (double)c.Exposed / c.N;
        double variance = et * (1 - et) / t.N + ec * (1 - ec) / c.N;
        double gap = et - ec;
        return variance > 0 ? gap * gap / variance >= 10 : gap != 0;
    }

    /// <summary>The mean contrasts per level of <paramref name="dimension"/>, p-values adjusted within each (pair, metric) family.</summary>
    public IEnumerable<HoldoutContrast> ByLevel(ExperimentDimension dimension, IReadOnlyList<(string Treatment, string Control)> pairs, IReadOnlyList<string> metrics)
    {
        var levels = statistics.ByArmAnd(dimension).Where(cell => cell.Key.Level(dimension) is not null)
            .GroupBy(cell => cell.Key.Level(dimension)!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Level: g.Key, Arms: (IReadOnlyDictionary<string, CellStatistics>)g.ToDictionary(cell => cell.Key.Arm, StringComparer.Ordinal)))
            .ToArray();
        if (levels.Length < 2)
        {
            yield break;
        }
        foreach (var (treatment, control) in pairs)
        {
            foreach (var metric in metrics)
            {
                var family = levels.Select(l => Mean(l.Arms, treatment, control, metric, (dimension, l.Level))).OfType<HoldoutContrast>().ToArray();
                var adjusted = Adjust(family.Select(f => f.PValue).ToArray());
                for (int i = 0; i < family.Length; i++)
                {
                    yield return family[i] with { PAdjusted = adjusted[i] };
                }
            }
        }
    }

    private double[] Adjust(double[] p) => options.Settings.Adjustment == MultipleTestingAdjustment.BenjaminiHochberg
        ? MultipleTesting.BenjaminiHochberg(p)
        : MultipleTesting.Holm(p);

    private static HoldoutContrast Build(string treatment, string control, string metric, ContrastKind kind, CellStatistics t, CellStatistics c,
        (ExperimentDimension Dimension, string Level)? level, ContrastEstimate absolute, ContrastEstimate relative, ContrastEstimate valid, ContrastEstimate validRelative) => new()
    {
        Treatment = treatment, Control = control, Metric = metric, Kind = kind,
        Segment = level is { Dimension: ExperimentDimension.Segment } s ? s.Level : null,
        Surface = level is { Dimension: ExperimentDimension.Surface } f ? f.Level : null,
        Market = level is { Dimension: ExperimentDimension.Market } m ? m.Level : null,
        TreatmentN = t.N, ControlN = c.N, TreatmentMean = absolute.TreatmentMean, ControlMean = absolute.ControlMean,
        Absolute = absolute.Effect, AbsoluteStandardError = absolute.StandardError, Ci = new Interval(absolute.Lower, absolute.Upper),
        Relative = relative.Effect, RelativeStandardError = relative.StandardError, RelativeCi = new Interval(relative.Lower, relative.Upper),
        AlwaysValidCi = new Interval(valid.Lower, valid.Upper), AlwaysValidRelativeCi = new Interval(validRelative.Lower, validRelative.Upper),
        PValue = absolute.PValue,
        Incremental = absolute.Effect * t.N, IncrementalCi = new Interval(absolute.Lower * t.N, absolute.Upper * t.N),
        IncrementalPer1000 = 1000 * absolute.Effect,
    };

    /// <summary>iROAS on the revenue metric and cost per incremental conversion on the conversion metric, from the incremental spend.</summary>
    private HoldoutContrast WithMoney(HoldoutContrast contrast, CellStatistics t, CellStatistics c, string treatment, string control, bool overall)
    {
        double spendT = overall ? SpendOf(t, treatment) : t.Spend;
        double spendC = overall ? SpendOf(c, control) : c.Spend;
        // The control's spend scaled to the treatment arm's size: what the treatment arm would have cost at the control's rate.
        double incrementalSpend = spendT - spendC * t.N / c.N;
        // Between two funded arms with the same spend rate the incremental spend is noise; a ratio over it would be too.
        if (!(incrementalSpend > MinimumSpendShare * spendT))
        {
            return contrast;
        }
        if (contrast.Metric == _revenue)
        {
            contrast = contrast with
            {
                Iroas = contrast.Incremental / incrementalSpend,
                IroasCi = new Interval(contrast.IncrementalCi.Lower / incrementalSpend, contrast.IncrementalCi.Upper / incrementalSpend),
            };
        }
        if (contrast.Metric == _conversions && contrast.Incremental > 0)
        {
            var ci = contrast.IncrementalCi;
            contrast = contrast with
            {
                CostPerIncrementalConversion = incrementalSpend / contrast.Incremental,
                CostPerIncrementalConversionCi = new Interval(incrementalSpend / ci.Upper, ci.Lower > 0 ? incrementalSpend / ci.Lower : double.PositiveInfinity),
            };
        }
        return contrast;
    }
}
