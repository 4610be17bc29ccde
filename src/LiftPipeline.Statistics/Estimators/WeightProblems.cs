using System.Runtime.CompilerServices;
using LiftPipeline.Statistics.Estimators.Solvers;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// The synthdid weight problems of one block panel, for any selection of its rows (an estimate, a placebo draw, a
/// jackknife or bootstrap sample). A selection's ω problem is an index set into the pre-period paths (N×T0), whose
/// inner products are its Gram; for up to <see cref="DenseGramUnits"/> rows that Gram is also computed once for all
/// rows (at most 32 MiB, shared by every replication), so Frank-Wolfe reads a column in O(N0) rather than O(N0·T0).
/// No replication copies or allocates an N0×N0 matrix. λ's Gram (T0×T0) is built per selection. Immutable, thread-safe.
/// </summary>
internal sealed class WeightProblems
{
    /// <summary>Most rows for which the unit Gram is kept as a dense N×N matrix; above, G is read from the paths.</summary>
    public const int DenseGramUnits = 2048;

    private readonly BlockPanel _data;
    private readonly double[] _pre;   // N×T0: ỹ_it, centred per unit over pre periods when ω has an intercept
    private readonly double[]? _unitGram;   // N×N: Σ_t<T0 ỹ_it ỹ_jt, when N ≤ DenseGramUnits

    public WeightProblems(BlockPanel data, bool omegaIntercept)
    {
        _data = data;
        _pre = PrePeriodPaths(data, omegaIntercept);
        _unitGram = data.N <= DenseGramUnits ? UnitGram(_pre, data.N, data.T0) : null;
    }

    /// <summary>Pre periods of the data.</summary>
    public int T0 => _data.T0;

    /// <summary>
    /// τ on a row selection with the given weights (Arkhangelsky et al. 2021, eq. (4)):
    /// mean over treated rows of (post mean − λ'pre) minus Σ ω_p (post mean − λ'pre) over controls; no λ term when λ is null.
    /// </summary>
    public double Tau(ReadOnlySpan<int> rows, int n0, ReadOnlySpan<double> omega, double[]? lambda)
    {
        double treated = 0, synthetic = 0;
        for (int p = 0; p < rows.Length; p++)
        {
            double d = Difference(rows[p], lambda);
            if (p < n0)
            {
                synthetic += omega[p] * d;
            }
            else
            {
                treated += d;
            }
        }
        return treated / (rows.Length - n0) - synthetic;
    }

    /// <summary>
    /// The per-period effects on a row selection (Arkhangelsky et al. 2021, eq. (4) per post period t): the treated rows'
    /// mean of (Y_t − λ'pre) minus Σ ω_p (Y_pt − λ'pre) over controls; their mean is <see cref="Tau"/>.
    /// </summary>
    public void Effects(ReadOnlySpan<int> rows, int n0, ReadOnlySpan<double> omega, double[]? lambda, Span<double> effects)
    {
        int T0 = _data.T0;
        double share = 1.0 / (rows.Length - n0);
        effects.Clear();
        for (int p = 0; p < rows.Length; p++)
        {
            var y = _data.Row(rows[p]);
            double baseline = lambda is null ? 0 : Dot(lambda, y[..T0]);
            double weight = p < n0 ? -omega[p] : share;
            for (int t = T0; t < y.Length; t++)
            {
                effects[t - T0] += weight * (y[t] - baseline);
            }
        }
    }

    private double Difference(int row, double[]? lambda)
    {
        var y = _data.Row(row);
        int T0 = _data.T0;
        double post = 0;
        for (int t = T0; t < y.Length; t++)
        {
            post += y[t];
        }
        return post / _data.T1 - (lambda is null ? 0 : Dot(lambda, y[..T0]));
    }

    /// <summary>
    /// ω's problem (Arkhangelsky et al. 2021, eq. (2)): columns of A are the selected controls' pre-period paths,
    /// b the selected treated units' mean path, all centred over time with an intercept; η = T0·ζ_ω².
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public SimplexProblem Omega(ReadOnlySpan<int> rows, int n0, double zetaOmega)
    {
        int N = _data.N, T0 = _data.T0, n1 = rows.Length - n0;
        var index = rows[..n0].ToArray();
        var linear = new double[n0];
        double bSquared = 0, eta = T0 * zetaOmega * zetaOmega;
        // b = the treated rows' mean path: c_a = ỹ_a·b.
        var b = new double[T0];
        for (int k = n0; k < rows.Length; k++)
        {
            AddScaled(b, _pre.AsSpan(rows[k] * T0, T0), 1.0 / n1);
        }
        if (_unitGram is null)
        {
            for (int a = 0; a < n0; a++)
            {
                linear[a] = Dot(_pre.AsSpan(index[a] * T0, T0), b);
            }
            return SimplexProblem.FromFactor(_pre, T0, index, linear, Dot(b, b), eta, T0, b);
        }
        for (int k = n0; k < rows.Length; k++)
        {
            var gramRow = _unitGram.AsSpan(rows[k] * N, N);
            for (int a = 0; a < n0; a++)
            {
                linear[a] += gramRow[index[a]] / n1;
            }
            for (int l = n0; l < rows.Length; l++)
            {
                bSquared += gramRow[rows[l]];
            }
        }
        bSquared /= (double)n1 * n1;
        return SimplexProblem.FromGramAndFactor(_unitGram, N, _pre, T0, index, linear, bSquared, eta, T0, b);
    }

    /// <summary>
    /// λ's problem (Arkhangelsky et al. 2021, eq. (3)): columns of A are the pre periods over the selected controls,
    /// b their post-period means, all centred over the controls; η = N0·ζ_λ².
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public SimplexProblem Lambda(ReadOnlySpan<int> rows, int n0, double zetaLambda)
    {
        int T0 = _data.T0, width = T0 + 1;
        var mean = new double[width];
        var z = new double[width];
        for (int p = 0; p < n0; p++)
        {
            Augmented(rows[p], z);
            for (int s = 0; s < width; s++)
            {
                mean[s] += z[s] / n0;
            }
        }
        var gram = new double[width * width];
        for (int p = 0; p < n0; p++)
        {
            Augmented(rows[p], z);
            for (int s = 0; s < width; s++)
            {
                z[s] -= mean[s];
            }
            for (int s = 0; s < width; s++)
            {
                var target = gram.AsSpan(s * width + s, width - s);
                AddScaled(target, z.AsSpan(s), z[s]);
            }
        }
        for (int s = 0; s < width; s++)
        {
            for (int t = s + 1; t < width; t++)
            {
                gram[t * width + s] = gram[s * width + t];
            }
        }
        var index = new int[T0];
        var linear = new double[T0];
        for (int s = 0; s < T0; s++)
        {
            index[s] = s;
            linear[s] = gram[s * width + T0];
        }
        return new SimplexProblem(gram, width, index, linear, gram[T0 * width + T0], n0 * zetaLambda * zetaLambda, n0);
    }

    /// <summary>A row's pre-period values followed by its post-period mean (the reference's collapsed form).</summary>
    private void Augmented(int row, double[] z)
    {
        var y = _data.Row(row);
        int T0 = _data.T0;
        y[..T0].CopyTo(z);
        double post = 0;
        for (int t = T0; t < y.Length; t++)
        {
            post += y[t];
        }
        z[T0] = post / _data.T1;
    }

    /// <summary>The pre-period paths, N×T0 row-major, each centred over time when <paramref name="centre"/>.</summary>
    private static double[] PrePeriodPaths(BlockPanel data, bool centre)
    {
        int N = data.N, T0 = data.T0;
        var pre = new double[N * T0];
        for (int i = 0; i < N; i++)
        {
            var row = data.Row(i)[..T0];
            double mean = 0;
            if (centre)
            {
                foreach (double v in row)
                {
                    mean += v;
                }
                mean /= T0;
            }
            for (int t = 0; t < T0; t++)
            {
                pre[i * T0 + t] = row[t] - mean;
            }
        }
        return pre;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private static double[] UnitGram(double[] pre, int N, int T0)
    {
        var gram = new double[N * N];
        for (int i = 0; i < N; i++)
        {
            var yi = pre.AsSpan(i * T0, T0);
            for (int j = i; j < N; j++)
            {
                double dot = Dot(yi, pre.AsSpan(j * T0, T0));
                gram[i * N + j] = dot;
                gram[j * N + i] = dot;
            }
        }
        return gram;
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => VectorMath.Dot(x, y);

    private static void AddScaled(Span<double> target, ReadOnlySpan<double> x, double scale) => VectorMath.AddScaled(target, x, scale);
}
