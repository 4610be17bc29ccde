using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// Singular value soft-thresholding SVT_θ(A) = U (Σ − θ)₊ V', the proximal operator of θ‖·‖_* (Cai, Candès, Shen 2010).
/// Computed from the symmetric eigendecomposition of the smaller Gram matrix (AA' or A'A, MathNet): for n ≤ T,
/// SVT_θ(A) = Σ_{σ_k > θ} (1 − θ/σ_k) u_k u_k' A, which needs only the kept components and is several times faster
/// than a full SVD. Singular values below √ε·σ_max lose relative accuracy, which only matters for θ that small.
/// Memory is O(n·t + min(n, t)²): no n×n or t×t array beyond the smaller Gram.
/// </summary>
internal static class SingularValueThreshold
{
    /// <summary>Writes SVT_θ(A) for row-major n×t <paramref name="a"/> into <paramref name="result"/>; returns ‖SVT_θ(A)‖_* = Σ (σ_k − θ)₊.</summary>
    public static double Apply(double[] a, int n, int t, double theta, double[] result)
    {
        bool rows = n <= t;
        int m = rows ? n : t;
        var gram = Gram(a, n, t, rows);
        foreach (double x in gram)
        {
            if (!(Math.Abs(x) <= 1e250))
            {
                // A non-finite (or nearly overflowing) Gram sends MathNet's eigensolver out of its arrays; say what happened instead.
                throw new NumericalFailureException("singular value thresholding met non-finite values (the low-rank iterate diverged or the outcomes overflow).");
            }
        }
        Evd<double> evd;
        try
        {
            evd = Matrix<double>.Build.Dense(m, m, gram).Evd(Symmetricity.Symmetric);
        }
        catch (NonConvergenceException e)
        {
            throw new NumericalFailureException("the eigendecomposition inside singular value thresholding did not converge.", e);
        }
        var vectors = evd.EigenVectors.AsColumnMajorArray() ?? evd.EigenVectors.ToColumnMajorArray();
        var values = evd.EigenValues;
        Array.Clear(result);
        double nuclear = 0;
        var projection = new double[rows ? t : n];
        for (int k = 0; k < m; k++)
        {
            double sigma = Math.Sqrt(Math.Max(values[k].Real, 0));
            if (sigma <= theta)
            {
                continue;
            }
            nuclear += sigma - theta;
            AddComponent(a, n, t, rows, vectors.AsSpan(k * m, m), 1 - theta / sigma, projection, result);
        }
        return nuclear;
    }

    /// <summary>
    /// The singular values of row-major n×t <paramref name="a"/>, descending, from a thin QR of the tall orientation and
    /// an SVD of its min(n, t)-square R factor (Golub &amp; Van Loan, §5.4.5 "R-SVD"): O(n·t) memory, never an n×n or t×t U.
    /// </summary>
    public static double[] SingularValues(double[] a, int n, int t)
    {
        foreach (double x in a)
        {
            if (!double.IsFinite(x))
            {
                throw new NumericalFailureException("a singular value decomposition met non-finite values (the low-rank iterate diverged or the outcomes overflow).");
            }
        }
        // Row-major n×t is column-major t×n; the tall orientation has at least as many rows as columns.
        var wide = Matrix<double>.Build.Dense(t, n, a);
        var tall = n >= t ? wide.Transpose() : wide;
        try
        {
            return tall.QR(QRMethod.Thin).R.Svd(computeVectors: false).S.ToArray();
        }
        catch (NonConvergenceException e)
        {
            throw new NumericalFailureException("a singular value decomposition did not converge.", e);
        }
    }

    /// <summary>AA' (n×n) when <paramref name="rows"/>, else A'A (t×t); symmetric, so row- and column-major agree.</summary>
    private static double[] Gram(double[] a, int n, int t, bool rows)
    {
        int m = rows ? n : t;
        var gram = new double[m * m];
        if (rows)
        {
            for (int i = 0; i < n; i++)
            {
                var ri = a.AsSpan(i * t, t);
                for (int j = 0; j <= i; j++)
                {
                    double dot = Dot(ri, a.AsSpan(j * t, t));
                    gram[i * m + j] = dot;
                    gram[j * m + i] = dot;
                }
            }
            return gram;
        }
        for (int i = 0; i < n; i++)
        {
            var row = a.AsSpan(i * t, t);
            for (int p = 0; p < t; p++)
            {
                double x = row[p];
                for (int q = 0; q <= p; q++)
                {
                    gram[p * m + q] += x * row[q];
                }
            }
        }
        for (int p = 0; p < t; p++)
        {
            for (int q = 0; q < p; q++)
            {
                gram[q * m + p] = gram[p * m + q];
            }
        }
        return gram;
    }

    /// <summary>result += f·u(u'A) for a left vector u (rows), or f·(Av)v' for a right vector v.</summary>
    private static void AddComponent(double[] a, int n, int t, bool rows, ReadOnlySpan<double> vector, double factor, double[] projection, double[] result)
    {
        Array.Clear(projection);
        if (rows)
        {
            for (int i = 0; i < n; i++)
            {
                Axpy(a.AsSpan(i * t, t), vector[i], projection);
            }
            for (int i = 0; i < n; i++)
            {
                Axpy(projection, factor * vector[i], result.AsSpan(i * t, t));
            }
            return;
        }
        for (int i = 0; i < n; i++)
        {
            projection[i] = Dot(a.AsSpan(i * t, t), vector);
        }
        for (int i = 0; i < n; i++)
        {
            Axpy(vector, factor * projection[i], result.AsSpan(i * t, t));
        }
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double sum = 0;
        for (int k = 0; k < x.Length; k++)
        {
            sum += x[k] * y[k];
        }
        return sum;
    }

    /// <summary>y += c·x.</summary>
    private static void Axpy(ReadOnlySpan<double> x, double c, Span<double> y)
    {
        for (int k = 0; k < x.Length; k++)
        {
            y[k] += c * x[k];
        }
    }
}
