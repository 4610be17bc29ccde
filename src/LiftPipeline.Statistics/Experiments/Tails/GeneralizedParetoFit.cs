using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace LiftPipeline.Statistics.Experiments.Tails;

/// <summary>
/// A maximum-likelihood fit of a <see cref="GeneralizedPareto"/> to exceedances over a threshold, with standard errors
/// from the observed information (the inverse Hessian of the negative log-likelihood at the optimum).
/// </summary>
/// <param name="Distribution">The fitted ξ and σ.</param>
/// <param name="ShapeStandardError">SE of ξ; NaN when the information matrix is not positive definite.</param>
/// <param name="ScaleStandardError">SE of σ; NaN likewise.</param>
/// <param name="Exceedances">How many values the fit saw.</param>
/// <param name="LogLikelihood">The maximised log-likelihood.</param>
/// <param name="Binned">True when fitted to bucket counts (interval-censored), false when to exact values.</param>
public sealed record GeneralizedParetoFit(
    GeneralizedPareto Distribution, double ShapeStandardError, double ScaleStandardError, long Exceedances, double LogLikelihood, bool Binned)
{
    // Objective returned where the parameters put positive-count data outside the support.
    private const double Impossible = 1e300;

    /// <summary>
    /// Fits to binned exceedances: bucket j holds <c>counts[j]</c> values in [<c>lower[j]</c>, <c>upper[j]</c>) (offsets
    /// from the threshold, ≥ 0). The likelihood is interval-censored: Π (F(upper) − F(lower))^count.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="MeasurementNotPossibleException">Fewer than 10 values: too few exceedances for a tail.</exception>
    public static GeneralizedParetoFit FitBinned(ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, ReadOnlySpan<long> counts)
    {
        if (lower.Length != upper.Length || lower.Length != counts.Length)
        {
            throw new ArgumentException("Bucket edges and counts must have the same length.", nameof(counts));
        }
        double[] a = lower.ToArray(), b = upper.ToArray();
        long[] c = counts.ToArray();
        long n = 0;
        double sum = 0, sumSquares = 0;
        for (int j = 0; j < c.Length; j++)
        {
            n += c[j];
            double mid = 0.5 * (a[j] + b[j]);
            sum += c[j] * mid;
            sumSquares += c[j] * mid * mid;
        }
        RequireEnough(n);
        return Fit(new SampleMoments(n, sum, sumSquares), theta => -BinnedLogLikelihood(theta, a, b, c), true);
    }

    /// <summary>Fits to exact exceedances (each ≥ 0) by the ordinary likelihood Π f(y).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative value.</exception>
    /// <exception cref="MeasurementNotPossibleException">Fewer than 10 values: too few exceedances for a tail.</exception>
    public static GeneralizedParetoFit FitExact(ReadOnlySpan<double> exceedances)
    {
        double[] y = exceedances.ToArray();
        double sum = 0, sumSquares = 0;
        foreach (double v in y)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(v, nameof(exceedances));
            sum += v;
            sumSquares += v * v;
        }
        RequireEnough(y.Length);
        return Fit(new SampleMoments(y.Length, sum, sumSquares), theta => -ExactLogLikelihood(theta, y), false);
    }

    private static void RequireEnough(long n)
    {
        if (n < 10)
        {
            throw new MeasurementNotPossibleException($"A generalized Pareto fit needs at least 10 exceedances; got {n}. Lower the tail quantile or collect more data.");
        }
    }

    /// <summary>Nelder–Mead on (ξ, log σ) from the method-of-moments start, then the observed information in (ξ, σ).</summary>
    private static GeneralizedParetoFit Fit(SampleMoments moments, Func<(double Shape, double Scale), double> negativeLogLikelihood, bool binned)
    {
        // Method-of-moments start (Hosking & Wallis 1987): ξ = (1 − m²/v)/2, σ = m(1 + m²/v)/2.
        double m = moments.Mean, ratio = m * m / moments.Variance;
        double shape0 = Math.Clamp(0.5 * (1 - ratio), -0.4, 0.9);
        double scale0 = Math.Max(0.5 * m * (1 + ratio), 1e-12);
        var objective = ObjectiveFunction.Value(v => Guard(negativeLogLikelihood((v[0], Math.Exp(v[1])))));
        var start = Vector<double>.Build.Dense([shape0, Math.Log(scale0)]);
        var step = Vector<double>.Build.Dense([0.1, 0.2]);
        var result = NelderMeadSimplex.Minimum(objective, start, step, 1e-12, 5000);
        double shape = result.MinimizingPoint[0], scale = Math.Exp(result.MinimizingPoint[1]);
        var (shapeSe, scaleSe) = StandardErrors(negativeLogLikelihood, shape, scale);
        return new GeneralizedParetoFit(new GeneralizedPareto(shape, scale), shapeSe, scaleSe, moments.N, -result.FunctionInfoAtMinimum.Value, binned);
    }

    private static double Guard(double value) => double.IsFinite(value) ? value : Impossible;

    /// <summary>Central-difference Hessian of −ℓ in (ξ, σ), inverted: the observed-information covariance (Coles 2001, §2.6.4).</summary>
    private static (double Shape, double Scale) StandardErrors(Func<(double, double), double> f, double shape, double scale)
    {
        double h0 = 1e-4, h1 = 1e-4 * scale;
        double f0 = f((shape, scale));
        double a = (f((shape + h0, scale)) - 2 * f0 + f((shape - h0, scale))) / (h0 * h0);
        double d = (f((shape, scale + h1)) - 2 * f0 + f((shape, scale - h1))) / (h1 * h1);
        double b = (f((shape + h0, scale + h1)) - f((shape + h0, scale - h1)) - f((shape - h0, scale + h1)) + f((shape - h0, scale - h1))) / (4 * h0 * h1);
        double det = a * d - b * b;
        if (!(det > 0 && a > 0))
        {
            return (double.NaN, double.NaN);
        }
        return (Math.Sqrt(d / det), Math.Sqrt(a / det));
    }

    private static double BinnedLogLikelihood((double Shape, double Scale) theta, double[] lower, double[] upper, long[] counts)
    {
        var gpd = new GeneralizedPareto(theta.Shape, theta.Scale);
        double total = 0;
        for (int j = 0; j < counts.Length; j++)
        {
            if (counts[j] == 0)
            {
                continue;
            }
            double mass = gpd.Survival(lower[j]) - gpd.Survival(upper[j]); // P(bucket) = F(upper) − F(lower)
            if (!(mass > 0))
            {
                return double.NegativeInfinity;
            }
            total += counts[j] * Math.Log(mass);
        }
        return total;
    }

    private static double ExactLogLikelihood((double Shape, double Scale) theta, double[] exceedances)
    {
        var gpd = new GeneralizedPareto(theta.Shape, theta.Scale);
        double total = 0;
        foreach (double y in exceedances)
        {
            total += gpd.LogDensity(y);
        }
        return total;
    }
}
