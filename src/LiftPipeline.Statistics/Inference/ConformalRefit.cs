using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// The refit step of conformal inference (Chernozhukov, Wüthrich and Zhu 2021, Algorithm 1): under the null the
/// treated post outcomes are untreated outcomes, so the counterfactual model is fitted on all T periods.
/// Generic construction: the estimator sees the T real periods as pre-treatment plus one pseudo post period that
/// holds every unit's mean over the T periods. Unit weights (DiD, SC, DIFP, SDID's ω) are fitted on the T real
/// periods; the intercept averages over all of them; SDID's time weights regress the pseudo column (the row mean)
/// on the real ones, whose exact optimum is uniform λ, so SDID refits as DIFP with SDID's regularisation.
/// Outcome models (MC) complete only the pseudo cell, i.e. fit every real cell.
/// </summary>
internal static class ConformalRefit
{
    /// <summary>Residuals û_t = ȳ_tr,t − ŷ_t for all T periods of <paramref name="data"/>, refitted on all of them.</summary>
    public static double[] Residuals(IPanelEstimator estimator, BlockPanel data)
    {
        var counterfactual = Counterfactual(estimator, data);
        var observed = data.TreatedMean();
        for (int t = 0; t < observed.Length; t++)
        {
            observed[t] -= counterfactual[t];
        }
        return observed;
    }

    /// <summary>The counterfactual over all T periods, fitted on all of them.</summary>
    public static double[] Counterfactual(IPanelEstimator estimator, BlockPanel data)
    {
        var fit = estimator.Estimate(WithPseudoPostPeriod(data));
        var counterfactual = new double[data.T];
        for (int t = 0; t < data.T; t++)
        {
            counterfactual[t] = fit.Counterfactual[t];
        }
        return counterfactual;
    }

    /// <summary>All T periods as pre periods, plus one post column holding each unit's mean over them.</summary>
    internal static BlockPanel WithPseudoPostPeriod(BlockPanel data)
    {
        int T = data.T;
        var y = new double[data.N * (T + 1)];
        for (int i = 0; i < data.N; i++)
        {
            var row = data.Row(i);
            var target = y.AsSpan(i * (T + 1), T + 1);
            row.CopyTo(target);
            double sum = 0;
            for (int t = 0; t < T; t++)
            {
                sum += row[t];
            }
            target[T] = sum / T;
        }
        var last = data.Periods[T - 1];
        var periods = data.Periods.Append(new Period(last.Kind, last.Value + 1)).ToArray();
        var units = data.Units.ToArray();
        return new BlockPanel(y, data.N0, data.N1, T, 1, units, periods);
    }
}
