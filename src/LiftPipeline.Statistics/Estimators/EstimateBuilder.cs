using LiftPipeline.Statistics.Panels;
namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// Turns an estimator's weights or counterfactual path into a complete <see cref="PanelEstimate"/>, so every
/// estimator reports effects, fit, lift and incremental the same way.
/// </summary>
internal static class EstimateBuilder
{
    /// <summary>
    /// The weighted estimator family of synthdid: counterfactual_t = Σ ω_i Y_it + intercept, where the intercept is
    /// Σ_s λ_s (ȳ_tr,s − Σ ω_i Y_is) over pre periods (λ uniform when null), or zero without one.
    /// DiD is (uniform ω, uniform λ, intercept), SC (ω, none, no intercept), DIFP (ω, uniform λ, intercept), SDID (ω, λ, intercept).
    /// </summary>
    // Arkhangelsky et al. (2021), eq. (1)-(4): τ = (ȳ_tr,post − ω'Y_co,post) − λ'(ȳ_tr,pre − ω'Y_co,pre).
    public static PanelEstimate FromWeights(IPanelEstimator estimator, BlockPanel data, double[] omega, double[]? lambda, bool intercept,
        IReadOnlyDictionary<string, double>? tuning = null)
    {
        var synthetic = WeightedControls(data, omega);
        var observed = data.TreatedMean();
        double offset = intercept ? PreOffset(data, observed, synthetic, lambda) : 0;
        for (int t = 0; t < synthetic.Length; t++)
        {
            synthetic[t] += offset;
        }
        var estimate = FromCounterfactual(estimator, data, observed, synthetic, intercept, omega, tuning);
        return estimate with
        {
            TimeWeights = lambda is null ? null : data.Periods.Take(data.T0).Select((p, s) => new TimeWeight(p, lambda[s])).ToArray(),
            Lambda = lambda,
        };
    }

    /// <summary>
    /// Any estimator's result from the average treated unit's observed and counterfactual paths (length T).
    /// <paramref name="intercept"/> says whether the estimator removes a level difference, which decides the
    /// equal-weights baseline used for the scaled L2 imbalance.
    /// </summary>
    public static PanelEstimate FromCounterfactual(IPanelEstimator estimator, BlockPanel data, double[] observed, double[] counterfactual,
        bool intercept, double[]? omega = null, IReadOnlyDictionary<string, double>? tuning = null)
    {
        int T0 = data.T0;
        var effects = new PeriodEffect[data.T1];
        double att = 0, sumObserved = 0, sumCounterfactual = 0;
        for (int t = T0; t < data.T; t++)
        {
            double effect = observed[t] - counterfactual[t];
            effects[t - T0] = new PeriodEffect(data.Periods[t], effect);
            att += effect;
            sumObserved += observed[t];
            sumCounterfactual += counterfactual[t];
        }
        att /= data.T1;
        double l2 = PreImbalance(observed, counterfactual, T0);
        var uniform = new double[data.N0];
        Array.Fill(uniform, 1.0 / data.N0);
        var baseline = WeightedControls(data, uniform);
        double baselineOffset = intercept ? PreOffset(data, observed, baseline, null) : 0;
        for (int t = 0; t < baseline.Length; t++)
        {
            baseline[t] += baselineOffset;
        }
        double l2Equal = PreImbalance(observed, baseline, T0);
        return new PanelEstimate
        {
            Estimator = estimator,
            Data = data,
            Att = att,
            Effects = effects,
            Observed = observed,
            Counterfactual = counterfactual,
            UnitWeights = omega is null ? null : Enumerable.Range(0, data.N0).Select(i => new UnitWeight(data.Units[i], omega[i])).ToArray(),
            Fit = new PreFit(l2 / Math.Sqrt(T0), l2, l2Equal > 0 ? l2 / l2Equal : double.NaN),
            Lift = (sumObserved - sumCounterfactual) / sumCounterfactual,
            Incremental = att * data.N1 * data.T1,
            Tuning = tuning ?? new Dictionary<string, double>(),
            Omega = omega,
        };
    }

    /// <summary>Σ_i ω_i Y_it over control rows, for every period.</summary>
    public static double[] WeightedControls(BlockPanel data, ReadOnlySpan<double> omega)
    {
        var path = new double[data.T];
        for (int i = 0; i < data.N0; i++)
        {
            double w = omega[i];
            if (w == 0)
            {
                continue;
            }
            var row = data.Row(i);
            for (int t = 0; t < path.Length; t++)
            {
                path[t] += w * row[t];
            }
        }
        return path;
    }

    private static double PreOffset(BlockPanel data, double[] observed, double[] synthetic, double[]? lambda)
    {
        double offset = 0;
        for (int s = 0; s < data.T0; s++)
        {
            offset += (lambda is null ? 1.0 / data.T0 : lambda[s]) * (observed[s] - synthetic[s]);
        }
        return offset;
    }

    private static double PreImbalance(double[] observed, double[] counterfactual, int T0)
    {
        double sum = 0;
        for (int t = 0; t < T0; t++)
        {
            double gap = observed[t] - counterfactual[t];
            sum += gap * gap;
        }
        return Math.Sqrt(sum);
    }
}
