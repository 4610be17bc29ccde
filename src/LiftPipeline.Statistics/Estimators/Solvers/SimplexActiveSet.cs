using System.Runtime.CompilerServices;

namespace LiftPipeline.Statistics.Estimators.Solvers;

/// <summary>
/// The simplex solver of every weight problem (synthdid's ω and λ for SDID, SC and DIFP; GeoLift's SC and its ridge
/// folds; the design engine's power fits): min ½xᵀ(G + ηI)x − cᵀx over the unit simplex of the allowed variables, to its
/// optimum, by a primal active-set method (Nocedal and Wright, Algorithm 16.3). On the support S the equality-constrained
/// optimum is solved exactly; a weight that would turn negative is dropped by a ratio step; the variables outside S with
/// the most negative half-gradient are added, at most max(1, N/16) a round, until each has a half-gradient of at least
/// −ν − tol (ν: minus the common half-gradient on S). The optimum is unique because η &gt; 0 makes the problem strictly convex.
/// H_SS = G_SS + ηI is factored one of two ways: its k×k Cholesky factor (grown a row at a time, a rank-one update when a
/// weight leaves); or, for a factored problem G = FFᵀ whose support outgrows the factor width W and whose η is not
/// negligible, the Cholesky factor of the W×W matrix M = ηI + F_SᵀF_S, with H_SS⁻¹v = (v − F_S M⁻¹F_Sᵀv)/η (Woodbury),
/// updated by rank one as variables enter and leave. No array is N×N: memory is O(N + min(k, W)²). One instance per thread.
/// </summary>
internal sealed class SimplexActiveSet
{
    /// <summary>Relative tolerance of the KKT check, against the largest diagonal of G + ηI.</summary>
    public const double Tolerance = 1e-11;

    /// <summary>η relative to the largest diagonal of G for the pure least-squares fits (GeoLift, the design engine): small enough not to move the published digits, large enough to keep G_SS + ηI factorable.</summary>
    public const double RelativeEta = 1e-13;

    /// <summary>
    /// Smallest η, relative to the largest diagonal of G + ηI, for which the W-space (Woodbury) solve is used when the
    /// problem has no <see cref="SimplexProblem.Target"/>: (c − F_S M⁻¹F_Sᵀc)/η loses digits as ‖F_S‖²/η.
    /// </summary>
    public const double WoodburyRelativeEta = 1e-6;

    private const int BatchRefactor = 4;   // W-space: more additions at once than this refactor M rather than update R by rank one
    private readonly int _n;
    private readonly int[] _support, _candidates, _identity;
    private readonly double[] _a, _e, _z, _gradient, _candidateGradient, _cosines, _sines;
    private double[] _chol = [];   // k-space: lower-triangular L of H_SS, row-major with stride _capacity
    private int _capacity;
    private double[] _m = [], _r = [], _u = [], _y = [];   // W-space: M (upper triangle), upper R with RᵀR = M, and two W-vectors
    private int _width;
    private bool _woodbury, _wSpace, _smallEta;
    private SimplexProblem _problem = null!;
    private bool[]? _allowed;
    private double[] _gram = [];
    private int _k;

    /// <summary>A solver for problems of up to <paramref name="n"/> variables.</summary>
    public SimplexActiveSet(int n)
    {
        _n = n;
        _support = new int[n];
        _candidates = new int[n];
        _candidateGradient = new double[n];
        _cosines = new double[n];
        _sines = new double[n];
        _a = new double[n];
        _e = new double[n];
        _z = new double[n];
        _gradient = new double[n];
        _identity = new int[n];
        for (int a = 0; a < n; a++)
        {
            _identity[a] = a;
        }
        Allowed = new bool[n];
        Linear = new double[n];
        Weights = new double[n];
    }

    /// <summary>Number of variables.</summary>
    public int N => _n;

    /// <summary>G, N×N row-major (shared, read only), for <see cref="Solve()"/> and <see cref="Resolve"/>.</summary>
    public double[] Gram
    {
        get => _gram;
        set => _gram = value.Length == _n * _n ? value : throw new ArgumentException($"Expected an {_n}×{_n} Gram.", nameof(value));
    }

    /// <summary>Which variables may take weight (the donors), for <see cref="Solve()"/> and <see cref="Resolve"/>.</summary>
    public bool[] Allowed { get; }

    /// <summary>c; entries of variables not allowed are ignored.</summary>
    public double[] Linear { get; }

    /// <summary>ω: the start on entry to <see cref="Solve()"/> (any point of the allowed simplex, or all zeros for the best vertex), the optimum after.</summary>
    public double[] Weights { get; }

    /// <summary>
    /// Replaces <paramref name="x"/> (a feasible start, or all zeros for the best vertex) by the optimum of <paramref name="problem"/>;
    /// true when the support ended factored in W-space (Woodbury), false when in k-space.
    /// </summary>
    public static bool Solve(SimplexProblem problem, double[] x)
    {
        var solver = new SimplexActiveSet(problem.N);
        solver.Run(problem, x, null, warm: false);
        return solver._wSpace;
    }

    /// <summary>Solves the problem of <see cref="Gram"/>, <see cref="Allowed"/> and <see cref="Linear"/> (η = <see cref="RelativeEta"/>·max G_aa) from the current <see cref="Weights"/>.</summary>
    public void Solve() => Run(GramProblem(), Weights, Allowed, warm: false);

    /// <summary>
    /// Solves again after only <see cref="Linear"/> changed: starts from the last optimum and keeps its factorised support
    /// (the Gram, <see cref="Allowed"/> and <see cref="Weights"/> must be as the last solve left them).
    /// </summary>
    public void Resolve() => Run(GramProblem(), Weights, Allowed, warm: true);

    private SimplexProblem GramProblem()
    {
        double scale = 0;
        for (int a = 0; a < _n; a++)
        {
            scale = Allowed[a] ? Math.Max(scale, _gram[a * _n + a]) : scale;
        }
        return new SimplexProblem(_gram, _n, _identity, Linear, 0, RelativeEta * Math.Max(scale, double.Epsilon), 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void Run(SimplexProblem problem, double[] x, bool[]? allowed, bool warm)
    {
        _problem = problem;
        _allowed = allowed;
        int n = problem.N;
        double scale = 0;
        for (int a = 0; a < n; a++)
        {
            scale = IsAllowed(a) ? Math.Max(scale, H(a, a)) : scale;
        }
        scale = Math.Max(scale, double.Epsilon);
        double tol = Tolerance * scale;
        _smallEta = problem.Eta < WoodburyRelativeEta * scale;
        _woodbury = problem.Factored && (problem.Target is not null || !_smallEta);
        if (!warm)
        {
            Start(x);
        }
        for (int iteration = 0; iteration < 20 * n + 100; iteration++)
        {
            double nu = SolveOnSupport();
            if (!StepToSupportSolution(x))
            {
                continue;
            }
            problem.HalfGradient(x, _gradient.AsSpan(0, n));
            if (!AddViolators(x, -nu - tol))   // on S the half-gradient equals −ν
            {
                return;
            }
        }
    }

    private bool IsAllowed(int a) => _allowed is null || _allowed[a];

    private double H(int a, int b) => _problem.G(a, b) + (a == b ? _problem.Eta : 0);

    /// <summary>Normalises a valid start onto the allowed simplex (or picks the best vertex, smallest H_aa − 2c_a) and factors its support.</summary>
    private void Start(double[] x)
    {
        int n = _problem.N;
        var c = _problem.Linear;
        double sum = 0;
        bool valid = true;
        for (int a = 0; a < n; a++)
        {
            x[a] = IsAllowed(a) ? x[a] : 0;
            valid &= x[a] >= 0 && double.IsFinite(x[a]);
            sum += x[a];
        }
        if (!valid || sum <= 0)
        {
            int best = -1;
            double lowest = double.PositiveInfinity;
            for (int a = 0; a < n; a++)
            {
                double value = H(a, a) - 2 * c[a];
                if (IsAllowed(a) && (best < 0 || value < lowest))
                {
                    best = a;
                    lowest = value;
                }
            }
            if (best < 0)
            {
                throw new InvalidOperationException("No variable is allowed: a synthetic control needs at least one donor.");
            }
            Array.Clear(x, 0, n);
            x[best] = 1;
            sum = 1;
        }
        _k = 0;
        _wSpace = false;
        int count = 0;
        for (int a = 0; a < n; a++)
        {
            x[a] /= sum;
            if (x[a] > 0)
            {
                _candidates[count++] = a;
            }
        }
        Enter(_candidates.AsSpan(0, count));
    }

    /// <summary>
    /// Adds to S the allowed variables outside it whose half-gradient is below <paramref name="bound"/>, most negative
    /// first, at most max(1, N/16) per round so a dense optimum is reached in a few rounds; false when there is none (optimal).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private bool AddViolators(double[] x, double bound)
    {
        int n = _problem.N, count = 0;
        for (int a = 0; a < n; a++)
        {
            if (x[a] == 0 && _gradient[a] < bound && IsAllowed(a))
            {
                _candidateGradient[count] = _gradient[a];
                _candidates[count++] = a;
            }
        }
        Array.Sort(_candidateGradient, _candidates, 0, count);
        Enter(_candidates.AsSpan(0, Math.Min(count, Math.Max(1, n / 16))));
        return count > 0;
    }

    /// <summary>
    /// Adds variables to S in whichever space S is factored, moving to W-space when the support outgrows W — or 2W at a
    /// negligible η, where M = ηI + F_SᵀF_S is well conditioned only once F_S has comfortably more rows than columns.
    /// </summary>
    private void Enter(ReadOnlySpan<int> variables)
    {
        if (!_wSpace && _woodbury && _k + variables.Length > (_smallEta ? 2 : 1) * _problem.Width)
        {
            variables.CopyTo(_support.AsSpan(_k));
            _k += variables.Length;
            BuildWoodbury();
            return;
        }
        if (_wSpace)
        {
            foreach (int a in variables)
            {
                _support[_k++] = a;
                AddToM(_problem.Factor(a), 1);
                if (variables.Length <= BatchRefactor)
                {
                    RankOne(_problem.Factor(a), downdate: false);
                }
            }
            if (variables.Length > BatchRefactor)
            {
                FactorM();
            }
            return;
        }
        AppendBatch(variables);
    }

    /// <summary>Drops the p-th support variable.</summary>
    private void Leave(int p)
    {
        if (!_wSpace)
        {
            Remove(p);
            return;
        }
        int a = _support[p];
        _support[p] = _support[--_k];
        if (_smallEta && _k <= _problem.Width)
        {
            // Back to k-space: at a negligible η, M is near singular once F_S has no more rows than columns.
            _wSpace = false;
            int k = _k;
            _support.AsSpan(0, k).CopyTo(_candidates);
            _k = 0;
            AppendBatch(_candidates.AsSpan(0, k));
            return;
        }
        AddToM(_problem.Factor(a), -1);
        if (!RankOne(_problem.Factor(a), downdate: true))
        {
            FactorM();   // rounding made RᵀR − f fᵀ look indefinite: refactor M
        }
    }

    /// <summary>
    /// z_S = H_SS⁻¹(c_S − ν1) with 1ᵀz = 1 (the equality-constrained optimum on S, half-gradient −ν on S), written to _z; returns ν.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private double SolveOnSupport()
    {
        var c = _problem.Linear;
        if (_wSpace)
        {
            WoodburySolve(c);
        }
        else
        {
            for (int p = 0; p < _k; p++)
            {
                _a[p] = c[_support[p]];
                _e[p] = 1;
            }
            CholeskySolve(_a, _e);
        }
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
        Leave(leave);
        return false;
    }

    // ---- W-space: M = ηI + F_SᵀF_S, W×W, upper Cholesky factor R (RᵀR = M), row-major ----

    /// <summary>Forms M from the current support and factors it (O(kW² + W³)); S is factored in W-space from here on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void BuildWoodbury()
    {
        int w = _problem.Width;
        if (_width != w)
        {
            _width = w;
            _m = new double[w * w];
            _r = new double[w * w];
            _u = new double[w];
            _y = new double[w];
        }
        Array.Clear(_m);
        for (int p = 0; p < _k; p++)
        {
            AddToM(_problem.Factor(_support[p]), 1);
        }
        for (int s = 0; s < w; s++)
        {
            _m[s * w + s] += _problem.Eta;
        }
        FactorM();
        _wSpace = true;
    }

    /// <summary>M ± ffᵀ on the upper triangle.</summary>
    private void AddToM(ReadOnlySpan<double> f, double sign)
    {
        int w = _width;
        for (int s = 0; s < w; s++)
        {
            VectorMath.AddScaled(_m.AsSpan(s * w + s, w - s), f[s..], sign * f[s]);
        }
    }

    /// <summary>R from M by a right-looking Cholesky on the upper triangle: row j is scaled, then removed from the trailing rows (O(W³/3)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void FactorM()
    {
        int w = _width;
        _m.CopyTo(_r, 0);
        for (int j = 0; j < w; j++)
        {
            // In exact arithmetic every pivot of ηI + F_SᵀF_S is at least η; keep it so rounding cannot break R.
            double d = Math.Sqrt(Math.Max(_r[j * w + j], _problem.Eta));
            var row = _r.AsSpan(j * w + j, w - j);
            for (int l = 0; l < row.Length; l++)
            {
                row[l] /= d;
            }
            for (int i = j + 1; i < w; i++)
            {
                VectorMath.AddScaled(_r.AsSpan(i * w + i, w - i), _r.AsSpan(j * w + i, w - i), -_r[j * w + i]);
            }
        }
    }

    /// <summary>RᵀR ± ffᵀ by Givens-like rotations, row k of R at a time (O(W²)); false when a downdate loses definiteness.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private bool RankOne(ReadOnlySpan<double> f, bool downdate)
    {
        int w = _width;
        var v = _u.AsSpan(0, w);
        f.CopyTo(v);
        double sign = downdate ? -1 : 1;
        for (int k = 0; k < w; k++)
        {
            double rkk = _r[k * w + k], squared = rkk * rkk + sign * v[k] * v[k];
            if (!(squared > _problem.Eta * 1e-3))
            {
                return false;
            }
            double r = Math.Sqrt(squared), c = r / rkk, s = v[k] / rkk, inverse = 1 / c, signedS = sign * s;
            _r[k * w + k] = r;
            var row = _r.AsSpan(k * w, w);
            for (int l = k + 1; l < w; l++)
            {
                double updated = (row[l] + signedS * v[l]) * inverse;
                row[l] = updated;
                v[l] = c * v[l] - s * updated;
            }
        }
        return true;
    }

    /// <summary>y ← M⁻¹y through RᵀR.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void SolveM(Span<double> y)
    {
        int w = _width;
        for (int k = 0; k < w; k++)
        {
            y[k] /= _r[k * w + k];
            VectorMath.AddScaled(y[(k + 1)..], _r.AsSpan(k * w + k + 1, w - k - 1), -y[k]);
        }
        for (int k = w - 1; k >= 0; k--)
        {
            y[k] = (y[k] - VectorMath.Dot(_r.AsSpan(k * w + k + 1, w - k - 1), y[(k + 1)..])) / _r[k * w + k];
        }
    }

    /// <summary>
    /// a = H_SS⁻¹c_S and e = H_SS⁻¹1 by Woodbury, H⁻¹v = (v − F_S M⁻¹F_Sᵀv)/η; with a known target b (c = F b),
    /// a = F_S M⁻¹b instead (push-through identity), exact however small η is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void WoodburySolve(double[] c)
    {
        int w = _width;
        var u = _u.AsSpan(0, w);
        var y = _y.AsSpan(0, w);
        var target = _problem.Target;
        if (target is null)
        {
            u.Clear();
        }
        else
        {
            target.AsSpan(0, w).CopyTo(u);
        }
        y.Clear();
        for (int p = 0; p < _k; p++)
        {
            var f = _problem.Factor(_support[p]);
            if (target is null)
            {
                VectorMath.AddScaled(u, f, c[_support[p]]);
            }
            VectorMath.AddScaled(y, f, 1);
        }
        SolveM(u);
        SolveM(y);
        double eta = _problem.Eta;
        for (int p = 0; p < _k; p++)
        {
            var f = _problem.Factor(_support[p]);
            _a[p] = target is null ? (c[_support[p]] - VectorMath.Dot(f, u)) / eta : VectorMath.Dot(f, u);
            _e[p] = (1 - VectorMath.Dot(f, y)) / eta;
        }
    }

    // ---- k-space: lower Cholesky factor L of H_SS, row-major with stride _capacity ----

    /// <summary>Room for k rows of L (grows by doubling, so the factor is as large as the support, never N×N up front).</summary>
    private void EnsureCapacity(int k)
    {
        if (k <= _capacity)
        {
            return;
        }
        int capacity = Math.Min(_n, Math.Max(k, Math.Max(16, 2 * _capacity)));
        var chol = new double[capacity * capacity];
        for (int p = 0; p < _k; p++)
        {
            _chol.AsSpan(p * _capacity, p + 1).CopyTo(chol.AsSpan(p * capacity));
        }
        _chol = chol;
        _capacity = capacity;
    }

    /// <summary>
    /// Drops the p-th support variable: rows below p lose column p, and the trailing block absorbs it by a
    /// rank-one Cholesky update (L₂₂L₂₂ᵀ + wwᵀ), O(k²).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void Remove(int p)
    {
        int m = _k - 1 - p, stride = _capacity;
        var w = _e;   // scratch: the removed column below p
        for (int q = 0; q < m; q++)
        {
            int from = (p + 1 + q) * stride, to = (p + q) * stride;
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
            int row = (p + i) * stride + p;
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

    /// <summary>
    /// Appends several variables: their rows against the existing k rows of L are computed together, reading each
    /// row of L once for the whole batch, then among themselves (L l = H_S,a, d = √(H_aa − ‖l‖²)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void AppendBatch(ReadOnlySpan<int> variables)
    {
        int k = _k, m = variables.Length;
        EnsureCapacity(k + m);
        int stride = _capacity;
        for (int p = 0; p < k; p++)
        {
            int rowP = p * stride;
            var lp = _chol.AsSpan(rowP, p);
            double diagonal = _chol[rowP + p];
            for (int j = 0; j < m; j++)
            {
                int row = (k + j) * stride;
                _chol[row + p] = (H(_support[p], variables[j]) - VectorMath.Dot(lp, _chol.AsSpan(row, p))) / diagonal;
            }
        }
        for (int j = 0; j < m; j++)
        {
            int row = (k + j) * stride;
            for (int i = 0; i < j; i++)
            {
                int rowI = (k + i) * stride;
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
        int stride = _capacity;
        for (int p = 0; p < _k; p++)
        {
            int rowP = p * stride;
            var lp = _chol.AsSpan(rowP, p);
            u[p] = (u[p] - VectorMath.Dot(lp, u)) / _chol[rowP + p];
            v[p] = (v[p] - VectorMath.Dot(lp, v)) / _chol[rowP + p];
        }
        // Lᵀv = y by rows of L: once v_q is known, remove its term L[q, p]·v_q from every earlier y_p.
        for (int q = _k - 1; q >= 0; q--)
        {
            int rowQ = q * stride;
            var lq = _chol.AsSpan(rowQ, q);
            u[q] /= _chol[rowQ + q];
            v[q] /= _chol[rowQ + q];
            VectorMath.AddScaled(u.AsSpan(0, q), lq, -u[q]);
            VectorMath.AddScaled(v.AsSpan(0, q), lq, -v[q]);
        }
    }
}
