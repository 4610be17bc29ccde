namespace LiftPipeline.Core.Estimators;

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
    private readonly int[] _support;
    private readonly double[] _gradient, _a, _e, _z;
    private int _k;

    private ExactSimplexSolver(SimplexProblem problem)
    {
        _problem = problem;
        _n = problem.N;
        _chol = new double[_n * _n];
        _support = new int[_n];
        _gradient = new double[_n];
        _a = new double[_n];
        _e = new double[_n];
        _z = new double[_n];
    }

    /// <summary>Replaces <paramref name="x"/> (a feasible start, or null for the best vertex) by the optimum.</summary>
    public static void Solve(SimplexProblem problem, double[] x) => new ExactSimplexSolver(problem).Run(x);

    private double H(int a, int b) => _problem.G(a, b) + (a == b ? _problem.Eta : 0);

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
            int enter = -1;
            double most = -nu - tol;   // on S the half-gradient equals −ν
            for (int a = 0; a < _n; a++)
            {
                if (x[a] == 0 && _gradient[a] < most)
                {
                    most = _gradient[a];
                    enter = a;
                }
            }
            if (enter < 0)
            {
                return;
            }
            Append(enter);
        }
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
    private double SolveOnSupport()
    {
        for (int p = 0; p < _k; p++)
        {
            _a[p] = _problem.Linear[_support[p]];
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

    /// <summary>
    /// Moves x toward z along the segment; when z has a non-positive weight, stops where the first weight reaches
    /// zero, drops it from S (refactorising) and returns false.
    /// </summary>
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
            x[a] += alpha * (_z[p] - x[a]);
        }
        x[_support[leave]] = 0;
        Refactor(x);
        return false;
    }

    /// <summary>Rebuilds S and its Cholesky factor from the positive entries of x (renormalised).</summary>
    private void Refactor(double[] x)
    {
        double sum = 0;
        for (int a = 0; a < _n; a++)
        {
            x[a] = Math.Max(x[a], 0);
            sum += x[a];
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

    /// <summary>Adds variable a to S, extending L by one row: L l = H_S,a, d = √(H_aa − ‖l‖²).</summary>
    private void Append(int a)
    {
        int row = _k * _n;
        double squares = 0;
        for (int p = 0; p < _k; p++)
        {
            double sum = H(_support[p], a);
            int rowP = p * _n;
            for (int q = 0; q < p; q++)
            {
                sum -= _chol[rowP + q] * _chol[row + q];
            }
            double l = sum / _chol[rowP + p];
            _chol[row + p] = l;
            squares += l * l;
        }
        // In exact arithmetic the Schur complement of G + ηI is at least η; keep it so rounding cannot break L.
        _chol[row + _k] = Math.Sqrt(Math.Max(H(a, a) - squares, _problem.Eta));
        _support[_k++] = a;
    }

    /// <summary>Solves L Lᵀ v = v in place for the first k entries.</summary>
    private void CholeskySolve(double[] v)
    {
        for (int p = 0; p < _k; p++)
        {
            double sum = v[p];
            int rowP = p * _n;
            for (int q = 0; q < p; q++)
            {
                sum -= _chol[rowP + q] * v[q];
            }
            v[p] = sum / _chol[rowP + p];
        }
        for (int p = _k - 1; p >= 0; p--)
        {
            double sum = v[p];
            for (int q = p + 1; q < _k; q++)
            {
                sum -= _chol[q * _n + p] * v[q];
            }
            v[p] = sum / _chol[p * _n + p];
        }
    }
}
