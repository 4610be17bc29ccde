using LiftPipeline.Statistics.Estimators.Solvers;
using MathNet.Numerics.LinearAlgebra;

namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// Ridge augmentation of synthetic-control weights (Ben-Michael, Feller, Rothstein 2021, eq. 6): the SC weights plus
/// the ridge regression of the remaining pre-period imbalance on the control pre-period outcomes, all centred by the
/// control mean of each period. The penalty λ is chosen as augsynth chooses it: a grid of 21 values
/// λ_max·(10⁻⁸)^(k/20), k = 0…20, with λ_max the largest squared singular value of the centred controls;
/// leave-one-period-out cross-validation over pre periods 1…T0−1 (the last pre period is never held out; SC is refitted
/// in every fold); the largest λ whose mean squared error is within one standard error (sd/√folds) of the minimum.
/// Works in period space: with X the centred controls (N0×T0) and K = XᵀX (T0×T0), the ridge term
/// (XXᵀ + λI)⁻¹X(x₁ − Xᵀω) equals X(K + λI)⁻¹(x₁ − Xᵀω), from one eigendecomposition of a fold's K per fold,
/// so no N0×N0 matrix is formed and the cost is O(T0³ + N0·T0) per fold.
/// </summary>
internal static class RidgeAugmentation
{
    private const int GridSteps = 20;
    private const double MinRatio = 1e-8;

    /// <summary>The augmented weights and the chosen λ, from centred controls x (N0×T0, row-major), centred target x1, c = Xx₁ and the SC weights.</summary>
    /// <exception cref="MeasurementNotPossibleException">Fewer than 3 pre periods (cross-validation needs at least 2 folds).</exception>
    public static (double[] Omega, double Lambda) Fit(double[] x, double[] x1, double[] c, double[] synthetic)
    {
        int t0 = x1.Length;
        if (t0 < 3)
        {
            throw new MeasurementNotPossibleException($"Ridge augmentation chooses its penalty by leave-one-period-out cross-validation and needs at least 3 pre periods (got {t0}).");
        }
        var k = PeriodGram(x, t0);
        double lambdaMax = k.Evd(Symmetricity.Symmetric).EigenValues.Max(e => e.Real);
        if (!(lambdaMax > 0))
        {
            // The centred controls are all zero (e.g. a single control): the correction X(K + λI)⁻¹r vanishes for every λ.
            return ((double[])synthetic.Clone(), 0);
        }
        var lambdas = Grid(lambdaMax);
        double lambda = ChooseOneStandardError(lambdas, FoldErrors(x, x1, c, k, lambdas, synthetic));
        return (Augment(x, x1, k, synthetic, lambda), lambda);
    }

    /// <summary>
    /// The augmented weights for a given λ (no cross-validation): ω + X(K + λI)⁻¹(x₁ − Xᵀω). λ = 0 is what
    /// <see cref="Fit"/> chooses when there is nothing to augment with, and gives ω unchanged.
    /// </summary>
    /// <exception cref="MeasurementNotPossibleException">K + λI cannot be factorised.</exception>
    public static (double[] Omega, double Lambda) Augment(double[] x, double[] x1, double[] synthetic, double lambda) =>
        lambda > 0 ? (Augment(x, x1, PeriodGram(x, x1.Length), synthetic, lambda), lambda) : ((double[])synthetic.Clone(), 0);

    /// <summary>λ_max·r^k with r = (10⁻⁸)^(1/20), k = 0…20 (augsynth's lambda list).</summary>
    internal static double[] Grid(double lambdaMax)
    {
        double ratio = Math.Pow(MinRatio, 1.0 / GridSteps);
        return Enumerable.Range(0, GridSteps + 1).Select(k => lambdaMax * Math.Pow(ratio, k)).ToArray();
    }

    // Ben-Michael et al. (2021), eq. (6): γ̂_aug = γ̂_scm + X₀(X₀'X₀ + λI)⁻¹(X₁ − X₀'γ̂_scm), X₀' the controls as columns.
    private static double[] Augment(double[] x, double[] x1, Matrix<double> k, double[] synthetic, double lambda)
    {
        int t0 = x1.Length;
        Vector<double> y;
        try
        {
            y = (k + Matrix<double>.Build.DenseIdentity(t0) * lambda).Cholesky().Solve(Residual(x, x1, synthetic, -1));
        }
        catch (ArgumentException)
        {
            throw new MeasurementNotPossibleException($"Ridge augmentation with penalty {lambda:G4} cannot be solved on these controls' {t0} pre periods; use geolift (no augmentation).");
        }
        var omega = (double[])synthetic.Clone();
        var ridge = y.AsArray() ?? y.ToArray();
        for (int i = 0; i < omega.Length; i++)
        {
            omega[i] += VectorMath.Dot(x.AsSpan(i * t0, t0), ridge);
        }
        return omega;
    }

    /// <summary>x₁ − Xᵀω over the pre periods except <paramref name="held"/> (none when −1): the SC fit's residual.</summary>
    private static Vector<double> Residual(double[] x, double[] x1, double[] omega, int held)
    {
        int t0 = x1.Length;
        var residual = (double[])x1.Clone();
        for (int i = 0; i < omega.Length; i++)
        {
            if (omega[i] != 0)
            {
                VectorMath.AddScaled(residual, x.AsSpan(i * t0, t0), -omega[i]);
            }
        }
        return Vector<double>.Build.DenseOfEnumerable(residual.Where((_, s) => s != held));
    }

    /// <summary>K = XᵀX, T0×T0.</summary>
    private static Matrix<double> PeriodGram(double[] x, int t0)
    {
        int n0 = x.Length / t0;
        var k = new double[t0 * t0];
        for (int i = 0; i < n0; i++)
        {
            var xi = x.AsSpan(i * t0, t0);
            for (int s = 0; s < t0; s++)
            {
                VectorMath.AddScaled(k.AsSpan(s * t0, t0), xi, xi[s]);
            }
        }
        return Matrix<double>.Build.Dense(t0, t0, (s, t) => k[s * t0 + t]);
    }

    /// <summary>
    /// Squared hold-out error per fold (rows, T0−1 folds) and λ (columns): fold h drops pre period h, refits SC, predicts it.
    /// With K_h = VDVᵀ (K without row and column h), q = X_hᵀx_h and d = x₁,h − X_hᵀω, the ridge prediction of period h
    /// adds qᵀ(K_h + λI)⁻¹d = Σ_j (Vᵀq)_j(Vᵀd)_j / (D_j + λ).
    /// </summary>
    private static double[,] FoldErrors(double[] x, double[] x1, double[] c, Matrix<double> k, double[] lambdas, double[] synthetic)
    {
        int n0 = c.Length, t0 = x1.Length, folds = t0 - 1, w = t0 - 1;
        var errors = new double[folds, lambdas.Length];
        var foldX = new double[n0 * w];
        var foldC = new double[n0];
        var kept = new int[w];
        var foldTarget = new double[w];
        for (int held = 0; held < folds; held++)
        {
            for (int s = 0, j = 0; s < t0; s++)
            {
                if (s != held)
                {
                    kept[j++] = s;
                }
            }
            for (int j = 0; j < w; j++)
            {
                foldTarget[j] = x1[kept[j]];
            }
            // Dropping period h from X removes x_h·x₁_h from c.
            for (int i = 0; i < n0; i++)
            {
                double xi = x[i * t0 + held];
                foldC[i] = c[i] - xi * x1[held];
                for (int j = 0; j < w; j++)
                {
                    foldX[i * w + j] = x[i * t0 + kept[j]];
                }
            }
            var omega = SimplexLeastSquares.Solve(foldX, w, foldC, synthetic, foldTarget);
            var evd = Matrix<double>.Build.Dense(w, w, (a, b) => k[kept[a], kept[b]]).Evd(Symmetricity.Symmetric);
            var q = evd.EigenVectors.TransposeThisAndMultiply(Vector<double>.Build.Dense(w, j => k[kept[j], held]));
            var d = evd.EigenVectors.TransposeThisAndMultiply(Residual(x, x1, omega, held));
            double fit = x1[held];
            for (int i = 0; i < n0; i++)
            {
                fit -= x[i * t0 + held] * omega[i];
            }
            for (int l = 0; l < lambdas.Length; l++)
            {
                double error = fit;
                for (int j = 0; j < w; j++)
                {
                    error -= q[j] * d[j] / (evd.EigenValues[j].Real + lambdas[l]);
                }
                errors[held, l] = error * error;
            }
        }
        return errors;
    }

    /// <summary>The largest λ whose mean CV error is within one standard error of the smallest mean error (augsynth's choose_lambda).</summary>
    internal static double ChooseOneStandardError(double[] lambdas, double[,] errors)
    {
        int folds = errors.GetLength(0);
        var mean = new double[lambdas.Length];
        var se = new double[lambdas.Length];
        for (int l = 0; l < lambdas.Length; l++)
        {
            var column = Enumerable.Range(0, folds).Select(f => errors[f, l]).ToArray();
            mean[l] = column.Average();
            se[l] = MathNet.Numerics.Statistics.Statistics.StandardDeviation(column) / Math.Sqrt(folds);
        }
        int best = 0;
        for (int l = 1; l < lambdas.Length; l++)
        {
            if (mean[l] < mean[best])
            {
                best = l;
            }
        }
        double chosen = lambdas[best];
        for (int l = 0; l < lambdas.Length; l++)
        {
            if (mean[l] <= mean[best] + se[best] && lambdas[l] > chosen)
            {
                chosen = lambdas[l];
            }
        }
        return chosen;
    }
}
