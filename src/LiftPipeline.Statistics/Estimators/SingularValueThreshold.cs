using LiftPipeline.Statistics.Estimators.Solvers;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// Singular value soft-thresholding SVT_θ(A) = U (Σ − θ)₊ V', the proximal operator of θ‖·‖_* (Cai, Candès, Shen 2010).
/// Computed from the symmetric eigenpairs of the smaller Gram matrix G (AA' or A'A): for n ≤ T,
/// SVT_θ(A) = Σ_{σ_k > θ} (1 − θ/σ_k) u_k u_k' A, which needs only the kept components. When G is at most
/// <see cref="DenseLimit"/> wide every eigenpair comes from MathNet's symmetric eigendecomposition. Wider, an instance
/// finds only the eigenpairs above θ² by subspace iteration on G (Rayleigh–Ritz on a block a few columns wider than the
/// kept rank, Golub &amp; Van Loan §8.2.4), warm-started from the block of its previous call — a proximal-gradient solver
/// calls it on slowly changing matrices, so one or two G·Q products usually suffice — and falls back to the full
/// eigendecomposition when the block has not converged (residuals ‖Gq − μq‖ ≤ 1e-8·σ_max²) within 40 steps, or when
/// the kept rank nears a third of the Gram's width (subspace iteration would cost more than the full decomposition). Singular values
/// below √ε·σ_max lose relative accuracy, which only matters for θ that small. Memory is O(n·t + min(n, t)²): no n×n or
/// t×t array beyond the smaller Gram. An instance is not thread-safe.
/// </summary>
internal sealed class SingularValueThreshold
{
    /// <summary>Gram matrices at most this wide are always fully eigendecomposed (a few milliseconds).</summary>
    internal const int DenseLimit = 64;

    /// <summary>Extra block columns beyond the kept rank: they absorb the eigenvalues just below θ² that slow convergence.</summary>
    private const int Margin = 8;

    /// <summary>Subspace steps before falling back to the full eigendecomposition.</summary>
    private const int MaxSteps = 40;

    private const double ResidualTolerance = 1e-8;

    private readonly bool _rows;
    private readonly int _m;
    private readonly double[] _gram;
    private readonly double[] _projection;
    private readonly Random _random = new(1);
    private double[] _basis = [];
    private double[] _image = [];
    private double[] _ritzValues = [];
    private int _width;

    /// <summary>A workspace for repeated thresholding of row-major n×t matrices.</summary>
    public SingularValueThreshold(int n, int t)
    {
        N = n;
        T = t;
        _rows = n <= t;
        _m = _rows ? n : t;
        _gram = new double[_m * _m];
        _projection = new double[t];
    }

    /// <summary>Rows of the matrices thresholded.</summary>
    public int N { get; }

    /// <summary>Columns of the matrices thresholded.</summary>
    public int T { get; }

    /// <summary>How many calls were answered by subspace iteration (the rest by the full eigendecomposition).</summary>
    internal int SubspaceCalls { get; private set; }

    /// <summary>A new workspace for the same shape that starts from this one's subspace (the block is copied, so this one is unchanged).</summary>
    public SingularValueThreshold WarmCopy() => new(N, T)
    {
        _basis = (double[])_basis.Clone(),
        _image = new double[_image.Length],
        _ritzValues = (double[])_ritzValues.Clone(),
        _width = _width,
    };

    /// <summary>One-off SVT_θ(A) into <paramref name="result"/>; returns ‖SVT_θ(A)‖_* = Σ (σ_k − θ)₊.</summary>
    public static double Apply(double[] a, int n, int t, double theta, double[] result) =>
        new SingularValueThreshold(n, t).Apply(a, theta, result);

    /// <summary>Writes SVT_θ(A) for row-major n×t <paramref name="a"/> into <paramref name="result"/>; returns ‖SVT_θ(A)‖_* = Σ (σ_k − θ)₊.</summary>
    public double Apply(double[] a, double theta, double[] result)
    {
        Gram(a, N, T, _rows, _gram);
        foreach (double x in _gram)
        {
            if (!(Math.Abs(x) <= 1e250))
            {
                // A non-finite (or nearly overflowing) Gram sends MathNet's eigensolver out of its arrays; say what happened instead.
                throw new NumericalFailureException("singular value thresholding met non-finite values (the low-rank iterate diverged or the outcomes overflow).");
            }
        }
        var (values, vectors, count) = _m > DenseLimit && TrySubspace(theta * theta) is int found
            ? (_ritzValues, _basis, found)
            : FullEigenpairs();
        Array.Clear(result);
        double nuclear = 0;
        var kept = new List<int>();
        var factors = new List<double>();
        for (int k = 0; k < count; k++)
        {
            double sigma = Math.Sqrt(Math.Max(values[k], 0));
            if (sigma <= theta)
            {
                continue;
            }
            nuclear += sigma - theta;
            kept.Add(k);
            factors.Add(1 - theta / sigma);
        }
        if (_rows)
        {
            for (int c = 0; c < kept.Count; c++)
            {
                AddLeftComponent(a, vectors.AsSpan(kept[c] * _m, _m), factors[c], result);
            }
        }
        else
        {
            AddRightComponents(a, vectors, kept, factors, result);
        }
        return nuclear;
    }

    /// <summary>Every eigenpair of the Gram (values, column-major vectors, count).</summary>
    private (double[] Values, double[] Vectors, int Count) FullEigenpairs()
    {
        Evd<double> evd;
        try
        {
            evd = Matrix<double>.Build.Dense(_m, _m, _gram).Evd(Symmetricity.Symmetric);
        }
        catch (NonConvergenceException e)
        {
            throw new NumericalFailureException("the eigendecomposition inside singular value thresholding did not converge.", e);
        }
        var vectors = evd.EigenVectors.AsColumnMajorArray() ?? evd.EigenVectors.ToColumnMajorArray();
        var values = new double[_m];
        for (int k = 0; k < _m; k++)
        {
            values[k] = evd.EigenValues[k].Real;
        }
        return (values, vectors, _m);
    }

    /// <summary>
    /// The eigenpairs of the Gram above <paramref name="floor"/> by warm-started subspace iteration with Rayleigh–Ritz,
    /// left in <see cref="_ritzValues"/> and the columns of <see cref="_basis"/> (descending); how many there are, or
    /// null when the block did not converge within <see cref="MaxSteps"/> steps or would be too wide to pay off.
    /// </summary>
    private int? TrySubspace(double floor)
    {
        if (_width == 0)
        {
            Widen(Math.Min(_m, 2 * Margin));
        }
        for (int step = 0; step < MaxSteps; step++)
        {
            RayleighRitz();
            int kept = 0;
            while (kept < _width && _ritzValues[kept] > floor)
            {
                kept++;
            }
            if (kept + Margin / 2 > _width)
            {
                // The block holds too few eigenvalues below θ² to be sure none above it is missing: widen it.
                if (kept + Margin > _m / 3)
                {
                    _width = 0;
                    return null;
                }
                Widen(kept + Margin);
                continue;
            }
            if (Converged(kept + 1))
            {
                SubspaceCalls++;
                return kept;
            }
            // One power step: the next block spans G·Q.
            Array.Copy(_image, _basis, _m * _width);
            Orthonormalise(_basis, _m, 0, _width);
        }
        _width = 0;
        return null;
    }
    /// <summary>Q ← Q·S and W = G·Q ← W·S for the eigenvectors S of H = Q'GQ, with the Ritz values descending.</summary>
    private void RayleighRitz()
    {
        int m = _m, b = _width;
        Multiply(_gram, _basis, _image, m, b);
        var h = new double[b * b];
        for (int p = 0; p < b; p++)
        {
            for (int q = 0; q <= p; q++)
            {
                double dot = VectorMath.Dot(_basis.AsSpan(p * m, m), _image.AsSpan(q * m, m));
                h[p * b + q] = dot;
                h[q * b + p] = dot;
            }
        }
        Evd<double> evd;
        try
        {
            evd = Matrix<double>.Build.Dense(b, b, h).Evd(Symmetricity.Symmetric);
        }
        catch (NonConvergenceException e)
        {
            throw new NumericalFailureException("the eigendecomposition inside singular value thresholding did not converge.", e);
        }
        var s = evd.EigenVectors;
        var order = new int[b];
        var values = new double[b];
        for (int k = 0; k < b; k++)
        {
            order[k] = k;
            values[k] = -evd.EigenValues[k].Real;
        }
        Array.Sort(values, order);
        _ritzValues = new double[b];
        var basis = new double[m * b];
        var image = new double[m * b];
        for (int k = 0; k < b; k++)
        {
            _ritzValues[k] = -values[k];
            for (int j = 0; j < b; j++)
            {
                double c = s[j, order[k]];
                VectorMath.AddScaled(basis.AsSpan(k * m, m), _basis.AsSpan(j * m, m), c);
                VectorMath.AddScaled(image.AsSpan(k * m, m), _image.AsSpan(j * m, m), c);
            }
        }
        _basis = basis;
        _image = image;
    }

    /// <summary>True when the first <paramref name="count"/> Ritz pairs have ‖Gq − μq‖ ≤ 1e-8·μ_max.</summary>
    private bool Converged(int count)
    {
        double scale = Math.Max(_ritzValues[0], double.Epsilon);
        for (int k = 0; k < Math.Min(count, _width); k++)
        {
            double sum = 0;
            var q = _basis.AsSpan(k * _m, _m);
            var w = _image.AsSpan(k * _m, _m);
            for (int p = 0; p < _m; p++)
            {
                double r = w[p] - _ritzValues[k] * q[p];
                sum += r * r;
            }
            if (Math.Sqrt(sum) > ResidualTolerance * scale)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Grows the block to <paramref name="width"/> columns (at most m) with seeded random directions, orthonormal to the rest.</summary>
    private void Widen(int width)
    {
        width = Math.Min(width, _m);
        var basis = new double[_m * width];
        int old = Math.Min(_width, width);
        Array.Copy(_basis, basis, _m * old);
        for (int k = _m * old; k < basis.Length; k++)
        {
            basis[k] = _random.NextDouble() - 0.5;
        }
        Orthonormalise(basis, _m, old, width);
        _basis = basis;
        _image = new double[_m * width];
        _width = width;
    }

    /// <summary>Modified Gram–Schmidt, twice, of columns [from, to) against every earlier column; a column that vanishes is replaced by a random one.</summary>
    private void Orthonormalise(double[] columns, int m, int from, int to)
    {
        for (int k = from; k < to; k++)
        {
            var column = columns.AsSpan(k * m, m);
            for (int attempt = 0; ; attempt++)
            {
                double before = Math.Sqrt(VectorMath.Dot(column, column));
                for (int pass = 0; pass < 2; pass++)
                {
                    for (int j = 0; j < k; j++)
                    {
                        var other = columns.AsSpan(j * m, m);
                        VectorMath.AddScaled(column, other, -VectorMath.Dot(other, column));
                    }
                }
                double norm = Math.Sqrt(VectorMath.Dot(column, column));
                if (norm > 1e-8 * before && norm > 0)
                {
                    for (int p = 0; p < m; p++)
                    {
                        column[p] /= norm;
                    }
                    break;
                }
                if (attempt == 3)
                {
                    throw new NumericalFailureException("singular value thresholding could not extend its subspace.");
                }
                for (int p = 0; p < m; p++)
                {
                    column[p] = _random.NextDouble() - 0.5;
                }
            }
        }
    }

    /// <summary>W = G·Q for symmetric m×m G and column-major m×b Q.</summary>
    private static void Multiply(double[] gram, double[] q, double[] w, int m, int b)
    {
        for (int k = 0; k < b; k++)
        {
            var column = q.AsSpan(k * m, m);
            var target = w.AsSpan(k * m, m);
            for (int p = 0; p < m; p++)
            {
                // G is symmetric: row p equals column p.
                target[p] = VectorMath.Dot(gram.AsSpan(p * m, m), column);
            }
        }
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

    /// <summary>AA' (n×n) when <paramref name="rows"/>, else A'A (t×t), into <paramref name="gram"/>; symmetric, so row- and column-major agree.</summary>
    private static void Gram(double[] a, int n, int t, bool rows, double[] gram)
    {
        int m = rows ? n : t;
        if (rows)
        {
            for (int i = 0; i < n; i++)
            {
                var ri = a.AsSpan(i * t, t);
                for (int j = 0; j <= i; j++)
                {
                    double dot = VectorMath.Dot(ri, a.AsSpan(j * t, t));
                    gram[i * m + j] = dot;
                    gram[j * m + i] = dot;
                }
            }
            return;
        }
        Array.Clear(gram);
        // Lower triangle, four rows of A at a time: G_p,0..p += Σ_r A_rp·A_r,0..p.
        int i0 = 0;
        for (; i0 + 4 <= n; i0 += 4)
        {
            var r0 = a.AsSpan(i0 * t, t);
            var r1 = a.AsSpan((i0 + 1) * t, t);
            var r2 = a.AsSpan((i0 + 2) * t, t);
            var r3 = a.AsSpan((i0 + 3) * t, t);
            for (int p = 0; p < t; p++)
            {
                VectorMath.AddFour(gram.AsSpan(p * m, p + 1), r0, r0[p], r1, r1[p], r2, r2[p], r3, r3[p]);
            }
        }
        for (; i0 < n; i0++)
        {
            var row = a.AsSpan(i0 * t, t);
            for (int p = 0; p < t; p++)
            {
                VectorMath.AddScaled(gram.AsSpan(p * m, p + 1), row[..(p + 1)], row[p]);
            }
        }
        for (int p = 0; p < t; p++)
        {
            for (int q = 0; q < p; q++)
            {
                gram[q * m + p] = gram[p * m + q];
            }
        }
    }

    /// <summary>result += f·u(u'A) for a left vector u (n ≤ t).</summary>
    private void AddLeftComponent(double[] a, ReadOnlySpan<double> vector, double factor, double[] result)
    {
        int n = N, t = T;
        var projection = _projection;
        Array.Clear(projection);
        for (int i = 0; i < n; i++)
        {
            VectorMath.AddScaled(projection, a.AsSpan(i * t, t), vector[i]);
        }
        for (int i = 0; i < n; i++)
        {
            VectorMath.AddScaled(result.AsSpan(i * t, t), projection, factor * vector[i]);
        }
    }

    /// <summary>result += Σ_k f_k·(Av_k)v_k' over the kept right vectors (n &gt; t), row by row so each row of A is read once.</summary>
    private void AddRightComponents(double[] a, double[] vectors, List<int> kept, List<double> factors, double[] result)
    {
        int n = N, t = T;
        var coefficients = new double[kept.Count];
        for (int i = 0; i < n; i++)
        {
            var row = a.AsSpan(i * t, t);
            for (int c = 0; c < kept.Count; c++)
            {
                coefficients[c] = factors[c] * VectorMath.Dot(row, vectors.AsSpan(kept[c] * t, t));
            }
            var target = result.AsSpan(i * t, t);
            for (int c = 0; c < kept.Count; c++)
            {
                VectorMath.AddScaled(target, vectors.AsSpan(kept[c] * t, t), coefficients[c]);
            }
        }
    }
}
