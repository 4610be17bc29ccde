using System.Runtime.CompilerServices;

namespace LiftPipeline.Statistics.Estimators.Solvers;

/// <summary>
/// Solves a <see cref="SimplexProblem"/> to its optimum with a primal active-set method: on the current support S
/// the equality-constrained problem is solved exactly (Cholesky of G_SS + ηI, grown one row at a time), weights
/// that would turn negative are dropped by a ratio step, and the variable with the most negative reduced gradient
/// is added until the KKT conditions hold (every weight in S has the same half-gradient, every other is at least that − tol).
/// No sparsification. The optimum is unique because η &gt; 0 makes the problem strictly convex.
/// </summary>
internal sealed class ExactSimplexSolver
{
    /// <summary>Relative tolerance of the KKT check, against the largest diagonal of G + ηI.</summary>
    public const double Tolerance = 1e-11;

    private readonly SimplexProblem _problem;
    private readonly int _n;
    private readonly double[] _chol;   // lower-triangular L of H_SS, row-major k×k with stride n
    private readonly int[] _support, _candidates;
    private readonly double[] _candidateGradient, _cosines, _sines;
    private readonly double[] _gradient, _a, _e, _z;
    private int _k;

    private ExactSimplexSolver(SimplexProblem problem)
    {
        _problem = problem;
        _n = problem.N;
        _chol = new double[_n * _n];
        _support = new int[_n];
        _candidates = new int[_n];
        _candidateGradient = new double[_n];
        _cosines = new double[_n];
        _sines = new double[_n];
        _gradient = new double[_n];
        _a = new double[_n];
        _e = new double[_n];
        _z = new double[_n];
    }

    /// <summary>Replaces <paramref name="x"/> (a feasible start, or null for the best vertex) by the optimum.</summary>
    public static void Solve(SimplexProblem problem, double[] x) => new ExactSimplexSolver(problem).Run(x);

    private double H(int a, int b) => _problem.G(a, b) + (a == b ? _problem.Eta : 0);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void Run(double[] x)
    {
        Start(x);
        double scale = 0;
        for (int a = 0; a < _n; a++)
        {
            scale = Math.Max(scale, Math.Abs(H(a, a)));
        }
        double tol = Tolerance * Math.Max(scale, double.Epsilon);
        for (int iteration = 0; iteration < 20 * _n + 100; iteration++)
        {
            double nu = SolveOnSupport();
            if (!StepToSupportSolution(x))
            {
                continue;
            }
            _problem.HalfGradient(x, _gradient);
            if (!AddViolators(x, -nu - tol))   // on S the half-gradient equals −ν
            {
                return;
            }
        }
    }

    /// <summary>
    /// Adds to S the variables outside it whose half-gradient is below <paramref name="bound"/>, most negative first,
    /// at most max(1, N/16) per round so a dense optimum is reached in a few rounds; false when there is none (optimal).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private bool AddViolators(double[] x, double bound)
    {
        int count = 0;
        for (int a = 0; a < _n; a++)
        {
            if (x[a] == 0 && _gradient[a] < bound)
            {
                _candidateGradient[count] = _gradient[a];
                _candidates[count++] = a;
            }
        }
        Array.Sort(_candidateGradient, _candidates, 0, count);
        AppendBatch(_candidates.AsSpan(0, Math.Min(count, Math.Max(1, _n / 16))));
        return count > 0;
    }

    /// <summary>The support of a valid start, or the single best vertex (smallest H_aa − 2c_a).</summary>
    private void Start(double[] x)
    {
        double sum = 0;
        bool valid = true;
        foreach (double v in x)
        {
            valid &= v >= 0 && double.IsFinite(v);
            sum += v;
        }
        if (!valid || sum <= 0)
        {
            int best = 0;
            for (int a = 1; a < _n; a++)
            {
                if (H(a, a) - 2 * _problem.Linear[a] < H(best, best) - 2 * _problem.Linear[best])
                {
                    best = a;
                }
            }
            Array.Clear(x);
            x[best] = 1;
            sum = 1;
        }
        _k = 0;
        for (int a = 0; a < _n; a++)
        {
            x[a] /= sum;
            if (x[a] > 0)
            {
                Append(a);
            }
        }
    }

    /// <summary>
    /// z_S = H_SS⁻¹(c_S − ν1) with 1ᵀz = 1 (the equality-constrained optimum on S, half-gradient −ν on S), written to _z; returns ν.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private double SolveOnSupport()
    {
        for (int p = 0; p < _k; p++)
        {
            _a[p] = _problem.Linear[_support[p]];
            _e[p] = 1;
        }
        CholeskySolve(_a, _e);
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

    /// <summary>
    /// Moves x toward z along the segment; when z has a non-positive weight, stops where the first weight reaches
    /// zero, drops it from S and returns false.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private bool StepToSupportSolution(double[] x)
    {
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
        Remove(leave);
        return false;
    }

    /// <summary>
    /// Drops the p-th support variable: rows below p lose column p, and the trailing block absorbs it by a
    /// rank-one Cholesky update (L₂₂L₂₂ᵀ + wwᵀ), O(k²).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void Remove(int p)
    {
        int m = _k - 1 - p;
        var w = _e;   // scratch: the removed column below p
        for (int q = 0; q < m; q++)
        {
            int from = (p + 1 + q) * _n, to = (p + q) * _n;
            w[q] = _chol[from + p];
            for (int j = 0; j < p; j++)
            {
                _chol[to + j] = _chol[from + j];
            }
            for (int j = p; j < p + q + 1; j++)
            {
                _chol[to + j] = _chol[from + j + 1];
            }
        }
        // Row by row, so L is read contiguously: row i first takes the rotations of the rows above it, then defines its own.
        for (int i = 0; i < m; i++)
        {
            int row = (p + i) * _n + p;
            double wi = w[i];
            for (int j = 0; j < i; j++)
            {
                double l = (_chol[row + j] + _sines[j] * wi) / _cosines[j];
                wi = _cosines[j] * wi - _sines[j] * l;
                _chol[row + j] = l;
            }
            double diagonal = _chol[row + i], r = Math.Sqrt(diagonal * diagonal + wi * wi);
            _cosines[i] = r / diagonal;
            _sines[i] = wi / diagonal;
            _chol[row + i] = r;
        }
        for (int q = p; q < _k - 1; q++)
        {
            _support[q] = _support[q + 1];
        }
        _k--;
    }

    /// <summary>Adds variable a to S, extending L by one row: L l = H_S,a, d = √(H_aa − ‖l‖²).</summary>
    private void Append(int a)
    {
        int row = _k * _n;
        double squares = 0;
        for (int p = 0; p < _k; p++)
        {
            int rowP = p * _n;
            double sum = H(_support[p], a) - VectorMath.Dot(_chol.AsSpan(rowP, p), _chol.AsSpan(row, p));
            double l = sum / _chol[rowP + p];
            _chol[row + p] = l;
            squares += l * l;
        }
        // In exact arithmetic the Schur complement of G + ηI is at least η; keep it so rounding cannot break L.
        _chol[row + _k] = Math.Sqrt(Math.Max(H(a, a) - squares, _problem.Eta));
        _support[_k++] = a;
    }

    /// <summary>
    /// Appends several variables: their rows against the existing k rows of L are computed together, reading each
    /// row of L once for the whole batch (the factor is larger than the cache for big N), then among themselves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void AppendBatch(ReadOnlySpan<int> variables)
    {
        int k = _k, m = variables.Length;
        for (int p = 0; p < k; p++)
        {
            int rowP = p * _n;
            var lp = _chol.AsSpan(rowP, p);
            double diagonal = _chol[rowP + p];
            for (int j = 0; j < m; j++)
            {
                int row = (k + j) * _n;
                _chol[row + p] = (H(_support[p], variables[j]) - VectorMath.Dot(lp, _chol.AsSpan(row, p))) / diagonal;
            }
        }
        for (int j = 0; j < m; j++)
        {
            int row = (k + j) * _n;
            for (int i = 0; i < j; i++)
            {
                int rowI = (k + i) * _n;
                _chol[row + k + i] = (H(variables[i], variables[j]) - VectorMath.Dot(_chol.AsSpan(rowI, k + i), _chol.AsSpan(row, k + i))) / _chol[rowI + k + i];
            }
            var l = _chol.AsSpan(row, k + j);
            // In exact arithmetic the Schur complement of G + ηI is at least η; keep it so rounding cannot break L.
            _chol[row + k + j] = Math.Sqrt(Math.Max(H(variables[j], variables[j]) - VectorMath.Dot(l, l), _problem.Eta));
            _support[k + j] = variables[j];
        }
        _k = k + m;
    }

    /// <summary>Solves L Lᵀ v = v in place for the first k entries of both vectors, reading L once per sweep.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void CholeskySolve(double[] u, double[] v)
    {
        for (int p = 0; p < _k; p++)
        {
            int rowP = p * _n;
            var lp = _chol.AsSpan(rowP, p);
            u[p] = (u[p] - VectorMath.Dot(lp, u)) / _chol[rowP + p];
            v[p] = (v[p] - VectorMath.Dot(lp, v)) / _chol[rowP + p];
        }
        // Lᵀv = y by rows of L: once v_q is known, remove its term L[q, p]·v_q from every earlier y_p.
        for (int q = _k - 1; q >= 0; q--)
        {
            int rowQ = q * _n;
            var lq = _chol.AsSpan(rowQ, q);
            u[q] /= _chol[rowQ + q];
            v[q] /= _chol[rowQ + q];
            VectorMath.AddScaled(u.AsSpan(0, q), lq, -u[q]);
            VectorMath.AddScaled(v.AsSpan(0, q), lq, -v[q]);
        }
    }
}
