using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Decisions.Evidence;

/// <summary>
/// Random-effects meta-analysis of k study estimates y_i with known sampling variances v_i: y_i ~ N(μ, v_i + τ²).
/// τ² by DerSimonian–Laird or REML (<see cref="BetweenStudyVariance"/>), μ by inverse-variance weights 1/(v_i + τ²),
/// normal or Hartung–Knapp interval, Cochran's Q, I², H² and a prediction interval. Pure and thread-safe.
/// </summary>
public static class MetaAnalysis
{
    /// <summary>Pools study estimates; see <see cref="Pool(ReadOnlySpan{double}, ReadOnlySpan{double}, MetaAnalysisOptions?)"/>.</summary>
    /// <exception cref="ArgumentException">No studies, or a variance that is not finite and positive.</exception>
    public static MetaAnalysisResult Pool(IReadOnlyList<StudyEstimate> studies, MetaAnalysisOptions? options = null)
    {
        var y = new double[studies.Count];
        var v = new double[studies.Count];
        for (int i = 0; i < y.Length; i++)
        {
            (y[i], v[i]) = (studies[i].Effect, studies[i].Variance);
        }
        return Pool(y, v, options);
    }

    /// <summary>Pools estimates y with sampling variances v.</summary>
    /// <param name="effects">y_i, on the scale to pool (e.g. log lift).</param>
    /// <param name="variances">v_i = SE_i², finite and positive.</param>
    /// <param name="options">Estimator, interval and α; <see cref="MetaAnalysisOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">No studies, lengths differ, a non-finite effect, or a variance that is not finite and positive.</exception>
    /// <exception cref="ArgumentOutOfRangeException">α outside (0, 1).</exception>
    public static MetaAnalysisResult Pool(ReadOnlySpan<double> effects, ReadOnlySpan<double> variances, MetaAnalysisOptions? options = null)
    {
        options ??= MetaAnalysisOptions.Default;
        options.Validate();
        var q = HeterogeneityTest.CochranQ(effects, variances);
        int k = effects.Length;
        var method = options.IntervalFor(k);
        double tau2 = k == 1 ? 0 : BetweenStudyVariance.Estimate(options.Estimator, effects, variances);

        var weights = new double[k];
        double sumW = 0, sumWy = 0;
        for (int i = 0; i < k; i++)
        {
            weights[i] = 1 / (variances[i] + tau2);
            sumW += weights[i];
            sumWy += weights[i] * effects[i];
        }
        double mu = sumWy / sumW;
        double se = Math.Sqrt(1 / sumW), df = double.PositiveInfinity;
        if (method is PooledIntervalMethod.HartungKnapp or PooledIntervalMethod.ModifiedHartungKnapp)
        {
            double scale = HartungKnappScale(effects, weights, mu);
            se = Math.Sqrt((method == PooledIntervalMethod.ModifiedHartungKnapp ? Math.Max(1, scale) : scale) / sumW);
            df = k - 1;
        }
        double critical = Quantile(1 - options.Alpha / 2, df);
        double p = 2 * (1 - Cdf(Math.Abs(mu / se), df));
        for (int i = 0; i < k; i++)
        {
            weights[i] /= sumW;
        }
        var (i2, h2) = Inconsistency(options.Estimator, q, tau2, variances);
        var (predictionLower, predictionUpper) = PredictionInterval(mu, se, tau2, k, options.Alpha);
        return new(k, method, k == 1 ? double.NaN : tau2, mu, se, mu - critical * se, mu + critical * se, p, df, q, i2, h2,
            predictionLower, predictionUpper, weights, options);
    }

    /// <summary>Hartung and Knapp (2001, Stat. Med. 20:3875–3889); Sidik and Jonkman (2002): q = Σw*_i(y_i − μ̂)²/(k − 1).</summary>
    private static double HartungKnappScale(ReadOnlySpan<double> y, double[] w, double mu)
    {
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            sum += w[i] * (y[i] - mu) * (y[i] - mu);
        }
        return sum / (y.Length - 1);
    }

    /// <summary>
    /// Higgins and Thompson (2002, Stat. Med. 21:1539–1558): with the typical sampling variance
    /// s² = (k − 1)Σw / ((Σw)² − Σw²), w_i = 1/v_i, I² = τ²/(τ² + s²) and H² = (τ² + s²)/s²; with no τ² model (fixed
    /// effect) I² = max(0, (Q − df)/Q) and H² = Q/df.
    /// </summary>
    private static (double I2, double H2) Inconsistency(HeterogeneityEstimator estimator, HeterogeneityTest q, double tau2, ReadOnlySpan<double> v)
    {
        if (q.DegreesOfFreedom == 0)
        {
            return (double.NaN, double.NaN);
        }
        if (estimator == HeterogeneityEstimator.FixedEffect)
        {
            return (q.Q > 0 ? Math.Max(0, (q.Q - q.DegreesOfFreedom) / q.Q) : 0, q.Q / q.DegreesOfFreedom);
        }
        double sumW = 0, sumW2 = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sumW += 1 / v[i];
            sumW2 += 1 / (v[i] * v[i]);
        }
        double s2 = q.DegreesOfFreedom * sumW / (sumW * sumW - sumW2);
        return (tau2 / (tau2 + s2), (tau2 + s2) / s2);
    }

    /// <summary>Higgins, Thompson and Spiegelhalter (2009, JRSS A 172:137–159): μ̂ ± t_{k−2}·√(τ̂² + SE²); needs k ≥ 3.</summary>
    private static (double Lower, double Upper) PredictionInterval(double mu, double se, double tau2, int k, double alpha)
    {
        if (k < 3)
        {
            return (double.NaN, double.NaN);
        }
        double half = StudentT.InvCDF(0, 1, k - 2, 1 - alpha / 2) * Math.Sqrt(tau2 + se * se);
        return (mu - half, mu + half);
    }

    private static double Quantile(double q, double df) => double.IsPositiveInfinity(df) ? Normal.InvCDF(0, 1, q) : StudentT.InvCDF(0, 1, df, q);

    private static double Cdf(double x, double df) => double.IsPositiveInfinity(df) ? Normal.CDF(0, 1, x) : StudentT.CDF(0, 1, df, x);
}
