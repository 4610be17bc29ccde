using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Statistics.Guardrails;

/// <summary>
/// Poor pre-period fit: the primary estimate's counterfactual does not track the treated units before treatment, so
/// its post-period gap is not credible. Breach when the scaled L2 imbalance (imbalance ÷ that of equal control weights)
/// exceeds the threshold, warn above 80% of it. Immutable and thread-safe.
/// </summary>
public sealed class PreFitGuardrail
{
    /// <summary>The guardrail's name in results and alerts.</summary>
    public const string Name = "pre-fit";

    /// <summary>Fraction of the threshold above which the check warns.</summary>
    public const double WarnFraction = 0.8;

    private readonly double _threshold;

    /// <summary>A check against <see cref="GuardrailThresholds.MaxScaledL2Imbalance"/> (default 0.5).</summary>
    public PreFitGuardrail(GuardrailThresholds? thresholds = null)
    {
        _threshold = (thresholds ?? new GuardrailThresholds()).MaxScaledL2Imbalance;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_threshold);
    }

    /// <summary>Checks an estimate's pre-period fit.</summary>
    public GuardrailResult Check(PanelEstimate estimate) => Check(estimate.Estimator.Name, estimate.Fit);

    /// <summary>Checks the pre-period fit of <paramref name="estimator"/>'s estimate.</summary>
    public GuardrailResult Check(string estimator, PreFit fit)
    {
        var evidence = new Dictionary<string, double>
        {
            ["scaledL2Imbalance"] = fit.ScaledL2Imbalance,
            ["l2Imbalance"] = fit.L2Imbalance,
            ["rmse"] = fit.Rmse,
            ["threshold"] = _threshold,
            ["warnAbove"] = WarnFraction * _threshold,
        };
        double scaled = fit.ScaledL2Imbalance;
        if (!double.IsFinite(scaled))
        {
            return new(Name, GuardrailStatus.Warn, $"The pre-period fit of {estimator} could not be scored (scaled L2 imbalance {scaled}); check the pre-period data.", evidence);
        }
        if (scaled > _threshold)
        {
            return new(Name, GuardrailStatus.Breach,
                $"{estimator}'s counterfactual does not track the treated units before treatment: scaled L2 imbalance {scaled:0.###} exceeds {_threshold:0.###}. "
                + $"The estimate is not credible; {Remedy(estimator)}.", evidence);
        }
        if (scaled > WarnFraction * _threshold)
        {
            return new(Name, GuardrailStatus.Warn,
                $"{estimator}'s pre-period fit is marginal: scaled L2 imbalance {scaled:0.###} is within 20% of the limit {_threshold:0.###}.", evidence);
        }
        return new(Name, GuardrailStatus.Pass, $"{estimator}'s pre-period fit is good: scaled L2 imbalance {scaled:0.###} (limit {_threshold:0.###}).", evidence);
    }

    /// <summary>What to try instead: estimators that fit the pre-period more closely than this one, then more data.</summary>
    private static string Remedy(string estimator) => estimator switch
    {
        "did" => "try SDID or SC, more control units, or a longer pre-period",
        "sc" or "geolift" or "geolift-ridge" => "try more control units or a longer pre-period",
        _ => "try SC or geolift, which fit the pre-period directly, more control units, or a longer pre-period",
    };
}
