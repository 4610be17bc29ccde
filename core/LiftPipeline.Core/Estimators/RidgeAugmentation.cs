using MathNet.Numerics.LinearAlgebra;

namespace LiftPipeline.Core.Estimators;

/// <summary>
/// Ridge augmentation of synthetic-control weights (Ben-Michael, Feller, Rothstein 2021, eq. 6): the SC weights plus
/// the ridge regression of the remaining pre-period imbalance on the control pre-period outcomes, all centred by the
/// control mean of each period. The penalty λ is chosen as augsynth chooses it: a grid of 21 values
/// λ_max·(10⁻⁸)^(k/20), k = 0…20, with λ_max the largest squared singular value of the centred controls; leave-one-period-out
/// cross-validation over pre periods 1…T0−1 (the last pre period is never held out, SC refitted in every fold); the
/// largest λ whose mean squared error is within one standard error (sd/√folds) of the minimum.
/// </summary>
internal static class RidgeAugmentation
{
    private const int GridSteps = 20;
    private const double MinRatio = 1e-8;

    /// <summary>The augmented weights and the chosen λ, from centred controls X (N0×T0, row-major), centred target x1 (T0) and the SC weights.</summary>
    public static (double[] Omega, double Lambda) Fit(double[] x, double[] x1, int n0, int t0, double[] synthetic)
    {
        if (t0 < 3)
        {
            throw new ArgumentException($"Ridge augmentation chooses its penalty by leave-one-period-out cross-validation and needs at least 3 pre periods (got {t0}).");
        }
        var matrix = Matrix<double>.Build.Dense(n0, t0, (i, s) => x[i * t0 + s]);
        var svd = matrix.Svd(computeVectors: true);
        var lambdas = Grid(svd.S[0] * svd.S[0]);
        double lambda = ChooseOneStandardError(lambdas, FoldErrors(x, x1, n0, t0, lambdas, synthetic));
        return (Augment(svd, x1, matrix, synthetic, lambda), lambda);
    }

    /// <summary>λ_max·r^k with r = (10⁻⁸)^(1/20), k = 0…20 (augsynth's create_lambda_list).</summary>
    internal static double[] Grid(double lambdaMax)
    {
        double ratio = Math.Pow(MinRatio, 1.0 / GridSteps);
        return Enumerable.Range(0, GridSteps + 1).Select(k => lambdaMax * Math.Pow(ratio, k)).ToArray();
    }

    /// <summary>ω_sc plus the ridge weights X(X'X + λI)⁻¹(x1 − X'ω_sc) = U·diag(s/(s²+λ))·V'(x1 − X'ω_sc), through the SVD X = USV'.</summary>
    // Ben-Michael et al. (2021), eq. (6): γ̂ = γ̂_scm + (X₁ − X₀'γ̂_scm)'(X₀'X₀ + λI)⁻¹X₀'.
    private static double[] Augment(MathNet.Numerics.LinearAlgebra.Factorization.Svd<double> svd, double[] x1, Matrix<double> matrix,
        double[] synthetic, double lambda)
    {
        var residual = Vector<double>.Build.DenseOfArray(x1) - matrix.TransposeThisAndMultiply(Vector<double>.Build.DenseOfArray(synthetic));
        int k = svd.S.Count;
        var projected = svd.VT.SubMatrix(0, k, 0, svd.VT.ColumnCount) * residual;
        for (int j = 0; j < k; j++)
        {
            double s = svd.S[j];
            projected[j] *= s / (s * s + lambda);
        }
        var ridge = svd.U.SubMatrix(0, svd.U.RowCount, 0, k) * projected;
        var omega = new double[synthetic.Length];
        for (int i = 0; i < omega.Length; i++)
        {
            omega[i] = synthetic[i] + ridge[i];
        }
        return omega;
    }

    /// <summary>Squared hold-out error per fold (rows, T0−1 folds) and λ (columns): fold s drops pre period s, refits SC, predicts it.</summary>
    private static double[,] FoldErrors(double[] x, double[] x1, int n0, int t0, double[] lambdas, double[] synthetic)
    {
        int folds = t0 - 1;
        var errors = new double[folds, lambdas.Length];
        for (int held = 0; held < folds; held++)
        {
            var keep = Enumerable.Range(0, t0).Where(s => s != held).ToArray();
            var train = Matrix<double>.Build.Dense(n0, keep.Length, (i, s) => x[i * t0 + keep[s]]);
            var target = keep.Select(s => x1[s]).ToArray();
            var omega = SyntheticWeights(train, target, synthetic);
            var svd = train.Svd(computeVectors: true);
            for (int l = 0; l < lambdas.Length; l++)
            {
                var augmented = Augment(svd, target, train, omega, lambdas[l]);
                double prediction = 0;
                for (int i = 0; i < n0; i++)
                {
                    prediction += x[i * t0 + held] * augmented[i];
                }
                double error = x1[held] - prediction;
                errors[held, l] = error * error;
            }
        }
        return errors;
    }

    private static double[] SyntheticWeights(Matrix<double> train, double[] target, double[] start)
    {
        var gram = train * train.Transpose();
        var c = train * Vector<double>.Build.DenseOfArray(target);
        return SimplexLeastSquares.Solve(gram.ToRowMajorArray(), c.ToArray(), start);
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
