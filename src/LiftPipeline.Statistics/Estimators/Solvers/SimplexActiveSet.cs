using System.Runtime.CompilerServices;

namespace LiftPipeline.Statistics.Estimators.Solvers;

/// <summary>
/// A reusable primal active-set solver of min ½ωᵀ(G + ηI)ω − cᵀω over the unit simplex of the allowed variables, for
/// the synthetic-control fits of GeoLift's estimator and the many small ones of a power simulation: G is a shared N×N Gram (read in place, not copied),
/// <see cref="Allowed"/> marks the donors (every other weight stays 0), the start is the previous optimum (a warm start),
/// and no call allocates. On the support S the equality-constrained optimum is solved exactly (Cholesky of G_SS + ηI,
/// grown one row at a time, rebuilt when a weight leaves); the solution is optimal when every allowed weight outside S
/// has a half-gradient of at least −ν − tol (Nocedal and Wright, Algorithm 16.3). One instance per thread.
/// </summary>
internal sealed class SimplexActiveSet
{
    /// <summary>Relative tolerance of the KKT check, against the largest diagonal of G.</summary>
    public const double Tolerance = 1e-12;

    /// <summary>η relative to the largest diagonal of G: small enough not to move the published digits, large enough to keep G_SS + ηI factorable.</summary>
    public const double RelativeEta = 1e-13;

    private readonly double[] _chol, _a, _e, _z, _gradient;
    private readonly int[] _support, _kept;
    private double[] _gram;
    private int _k;
    private double _eta;

    /// <summary>A solver for problems of <paramref name="n"/> variables.</summary>
    public SimplexActiveSet(int n)
    {
        N = n;
        _gram = new double[n * n];
        Allowed = new bool[n];
        Linear = new double[n];
        Weights = new double[n];
        _chol = new double[n * n];
        _a = new double[n];
        _e = new double[n];
        _z = new double[n];
        _gradient = new double[n];
        _support = new int[n];
        _kept = new int[n];
    }

    /// <summary>Number of variables.</summary>
    public int N { get; }

    /// <summary>G, N×N row-major (shared, read only); set before <see cref="Solve"/>.</summary>
    public double[] Gram
    {
        get => _gram;
        set => _gram = value.Length == N * N ? value : throw new ArgumentException($"Expected an {N}×{N} Gram.", nameof(value));
    }

    /// <summary>Which variables may take weight (the donors).</summary>
    public bool[] Allowed { get; }

    /// <summary>c; entries of variables not allowed are ignored.</summary>
    public double[] Linear { get; }

    /// <summary>ω: the start on entry to <see cref="Solve"/> (any point of the allowed simplex, or all zeros for the best vertex), the optimum after.</summary>
    public double[] Weights { get; }

    /// <summary>Solves the problem from the current <see cref="Weights"/>.</summary>
    public void Solve() => Run(warm: false);

    /// <summary>
    /// Solves again after only <see cref="Linear"/> changed: starts from the last optimum and keeps its factorised support
    /// (the Gram, <see cref="Allowed"/> and <see cref="Weights"/> must be as the last solve left them).
    /// </summary>
    public void Resolve() => Run(warm: true);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void Run(bool warm)
    {
        double scale = 0;
        for (int a = 0; a < N; a++)
        {
            scale = Allowed[a] ? Math.Max(scale, _gram[a * N + a]) : scale;
        }
        scale = Math.Max(scale, double.Epsilon);
        _eta = RelativeEta * scale;
        double tol = Tolerance * scale;
        if (!warm)
        {
            Start();
        }
        for (int iteration = 0; iteration < 20 * N + 100; iteration++)
        {
            double nu = SolveOnSupport();
            if (!StepToSupportSolution())
            {
                continue;
            }
            if (!AddMostViolating(-nu - tol))
            {
                return;
            }
        }
    }

    private double H(int a, int b) => _gram[a * N + b] + (a == b ? _eta : 0);

    /// <summary>Normalises a valid start onto the simplex (or picks the best vertex) and factors its support.</summary>
    private void Start()
    {
        var x = Weights;
        double sum = 0;
        bool valid = true;
        for (int a = 0; a < N; a++)
        {
            x[a] = Allowed[a] ? x[a] : 0;
            valid &= x[a] >= 0 && double.IsFinite(x[a]);
            sum += x[a];
        }
        if (!valid || sum <= 0)
        {
            int best = -1;
            for (int a = 0; a < N; a++)
            {
                if (Allowed[a] && (best < 0 || H(a, a) - 2 * Linear[a] < H(best, best) - 2 * Linear[best]))
                {
                    best = a;
                }
            }
            if (best < 0)
            {
                throw new InvalidOperationException("No variable is allowed: a synthetic control needs at least one donor.");
            }
            Array.Clear(x);
            x[best] = 1;
            sum = 1;
        }
        _k = 0;
        for (int a = 0; a < N; a++)
        {
            x[a] /= sum;
            if (x[a] > 0)
            {
                Append(a);
            }
        }
    }

    /// <summary>z_S = H_SS⁻¹(c_S − ν1) with 1ᵀz = 1, written to _z; returns ν (the half-gradient on S is −ν).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private double SolveOnSupport()
    {
        for (int p = 0; p < _k; p++)
        {
            _a[p] = Linear[_support[p]];
            _e[p] = 1;
        }
        CholeskySolve(_a);
        CholeskySolve(_e);
        double sumA = 0, sumE = 0;
        for (int p = 0; p < _k; p++)
        {
            sumA += _a[p];
            sumE += _e[p];
        }
        double nu = (sumA - 1) / sumE;
        for (int p = 0; p < _k; p++)
        {
            _z[p] = _a[p] - nu * _e[p];
        }
        return nu;
    }

    /// <summary>Moves ω to z when z ≥ 0 (true); otherwise stops where the first weight reaches zero, drops it and refactors (false).</summary>
    private bool StepToSupportSolution()
    {
        var x = Weights;
        double alpha = 1;
        int leave = -1;
        for (int p = 0; p < _k; p++)
        {
            if (_z[p] <= 0)
            {
                double ratio = x[_support[p]] / (x[_support[p]] - _z[p]);
                if (ratio < alpha)
                {
                    alpha = ratio;
                    leave = p;
                }
            }
        }
        if (leave < 0)
        {
            for (int p = 0; p < _k; p++)
            {
                x[_support[p]] = _z[p];
            }
            return true;
        }
        for (int p = 0; p < _k; p++)
        {
            int a = _support[p];
            x[a] = Math.Max(x[a] + alpha * (_z[p] - x[a]), 0);
        }
        x[_support[leave]] = 0;
        int kept = 0;
        for (int p = 0; p < _k; p++)
        {
            if (p != leave)
            {
                _kept[kept++] = _support[p];
            }
        }
        _k = 0;
        for (int p = 0; p < kept; p++)
        {
            Append(_kept[p]);
        }
        return false;
    }

    /// <summary>Adds the variable outside S with the most negative half-gradient below <paramref name="bound"/>; false when there is none (optimal).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private bool AddMostViolating(double bound)
    {
        var g = _gradient.AsSpan();
        for (int a = 0; a < N; a++)
        {
            g[a] = -Linear[a];
        }
        for (int p = 0; p < _k; p++)
        {
            int s = _support[p];
            VectorMath.AddScaled(g, _gram.AsSpan(s * N, N), Weights[s]);
        }
        int best = -1;
        double lowest = bound;
        for (int a = 0; a < N; a++)
        {
            if (Allowed[a] && Weights[a] == 0 && g[a] < lowest)
            {
                lowest = g[a];
                best = a;
            }
        }
        if (best < 0)
        {
            return false;
        }
        Append(best);
        return true;
    }

    /// <summary>Adds variable a to S, extending L by one row: L l = H_S,a, d = √(H_aa − ‖l‖²).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void Append(int a)
    {
        int row = _k * N;
        double squares = 0;
        for (int p = 0; p < _k; p++)
        {
            int rowP = p * N;
            double l = (H(_support[p], a) - VectorMath.Dot(_chol.AsSpan(rowP, p), _chol.AsSpan(row, p))) / _chol[rowP + p];
            _chol[row + p] = l;
            squares += l * l;
        }
        // In exact arithmetic the Schur complement of G + ηI is at least η; keep it so rounding cannot break L.
        _chol[row + _k] = Math.Sqrt(Math.Max(H(a, a) - squares, _eta));
        _support[_k++] = a;
    }

    /// <summary>Solves L Lᵀ v = v in place for the first k entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void CholeskySolve(double[] v)
    {
        for (int p = 0; p < _k; p++)
        {
            int rowP = p * N;
            v[p] = (v[p] - VectorMath.Dot(_chol.AsSpan(rowP, p), v)) / _chol[rowP + p];
        }
        for (int q = _k - 1; q >= 0; q--)
        {
            int rowQ = q * N;
            v[q] /= _chol[rowQ + q];
            VectorMath.AddScaled(v.AsSpan(0, q), _chol.AsSpan(rowQ, q), -v[q]);
        }
    }
}
