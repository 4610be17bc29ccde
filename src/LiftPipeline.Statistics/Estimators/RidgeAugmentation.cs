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
/// Works in control space: with X the centred controls (N0×T0), G = XX' and c = Xx₁, the ridge term
/// X(X'X + λI)⁻¹(x₁ − X'ω) equals (G + λI)⁻¹(c − Gω), computed from one eigendecomposition of G per fold.
/// </summary>
internal static class RidgeAugmentation
{
    private const int GridSteps = 20;
    private const double MinRatio = 1e-8;

    /// <summary>The augmented weights and the chosen λ, from centred controls x (N0×T0, row-major), centred target x1, G = XX', c = Xx₁ and the SC weights.</summary>
    /// <exception cref="MeasurementNotPossibleException">Fewer than 3 pre periods (cross-validation needs at least 2 folds).</exception>
    public static (double[] Omega, double Lambda) Fit(double[] x, double[] x1, double[] gram, double[] c, double[] synthetic)
    {
        int n0 = c.Length, t0 = x1.Length;
        if (t0 < 3)
        {
            throw new MeasurementNotPossibleException($"Ridge augmentation chooses its penalty by leave-one-period-out cross-validation and needs at least 3 pre periods (got {t0}).");
        }
        var evd = Eigen(gram, n0);
        var lambdas = Grid(evd.EigenValues.Max(e => e.Real));
        double lambda = ChooseOneStandardError(lambdas, FoldErrors(x, x1, gram, c, lambdas, synthetic));
        return (Augment(evd, gram, c, synthetic, lambda), lambda);
    }

    /// <summary>λ_max·r^k with r = (10⁻⁸)^(1/20), k = 0…20 (augsynth's lambda list).</summary>
    internal static double[] Grid(double lambdaMax)
    {
        double ratio = Math.Pow(MinRatio, 1.0 / GridSteps);
        return Enumerable.Range(0, GridSteps + 1).Select(k => lambdaMax * Math.Pow(ratio, k)).ToArray();
    }

    // Ben-Michael et al. (2021), eq. (6): γ̂_aug = γ̂_scm + X₀(X₀'X₀ + λI)⁻¹(X₁ − X₀'γ̂_scm) = γ̂_scm + (G + λI)⁻¹(c − Gγ̂_scm).
    private static double[] Augment(MathNet.Numerics.LinearAlgebra.Factorization.Evd<double> evd, double[] gram, double[] c, double[] synthetic, double lambda)
    {
        var projected = evd.EigenVectors.TransposeThisAndMultiply(Imbalance(gram, c, synthetic));
        for (int j = 0; j < projected.Count; j++)
        {
            projected[j] /= evd.EigenValues[j].Real + lambda;
        }
        var ridge = evd.EigenVectors * projected;
        var omega = new double[synthetic.Length];
        for (int i = 0; i < omega.Length; i++)
        {
            omega[i] = synthetic[i] + ridge[i];
        }
        return omega;
    }

    /// <summary>c − Gω = X(x₁ − X'ω), the controls' covariance with the SC fit's residual.</summary>
    private static Vector<double> Imbalance(double[] gram, double[] c, double[] omega)
    {
        int n = c.Length;
        var b = Vector<double>.Build.Dense(n);
        for (int i = 0; i < n; i++)
        {
            double sum = c[i];
            for (int j = 0; j < n; j++)
            {
                sum -= gram[i * n + j] * omega[j];
            }
            b[i] = sum;
        }
        return b;
    }

    /// <summary>Squared hold-out error per fold (rows, T0−1 folds) and λ (columns): fold h drops pre period h, refits SC, predicts it.</summary>
    private static double[,] FoldErrors(double[] x, double[] x1, double[] gram, double[] c, double[] lambdas, double[] synthetic)
    {
        int n0 = c.Length, t0 = x1.Length, folds = t0 - 1;
        var errors = new double[folds, lambdas.Length];
        var foldGram = new double[gram.Length];
        var foldC = new double[n0];
        for (int held = 0; held < folds; held++)
        {
            // Dropping period h from X removes the rank-one term x_h x_h' from G and x_h·x₁_h from c.
            for (int i = 0; i < n0; i++)
            {
                double xi = x[i * t0 + held];
                foldC[i] = c[i] - xi * x1[held];
                for (int j = 0; j < n0; j++)
                {
                    foldGram[i * n0 + j] = gram[i * n0 + j] - xi * x[j * t0 + held];
                }
            }
            var omega = SimplexLeastSquares.Solve(foldGram, foldC, synthetic);
            var evd = Eigen(foldGram, n0);
            for (int l = 0; l < lambdas.Length; l++)
            {
                var augmented = Augment(evd, foldGram, foldC, omega, lambdas[l]);
                double error = x1[held];
                for (int i = 0; i < n0; i++)
                {
                    error -= x[i * t0 + held] * augmented[i];
                }
                errors[held, l] = error * error;
            }
        }
        return errors;
    }

    private static MathNet.Numerics.LinearAlgebra.Factorization.Evd<double> Eigen(double[] gram, int n) =>
        Matrix<double>.Build.Dense(n, n, (i, j) => gram[i * n + j]).Evd(Symmetricity.Symmetric);

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
