using System.Runtime.CompilerServices;

namespace LiftPipeline.Statistics.Estimators.Solvers;

/// <summary>
/// One simplex weight problem: minimise ‖Ax − b‖² + η‖x‖² over the unit simplex, given G = AᵀA, c = Aᵀb and ‖b‖².
/// G is read in place, never copied: from a shared square Gram (its rows and columns picked by an index, repeats
/// allowed), or as the inner products of factor rows, G[a, b] = f_a·f_b (an index into an n×width matrix, width ≪ n),
/// or both (the Gram for single entries and columns, the factor for products with dense vectors and for the solver's
/// W-space). A problem over n variables costs O(n) memory beyond what it points to.
/// The reference's reported objective is that divided by <see cref="Rows"/> (the rows of A), i.e. ζ²‖x‖² + ‖Ax − b‖²/rows.
/// Not thread-safe (a factored problem keeps a scratch vector): one per solve.
/// </summary>
internal sealed class SimplexProblem
{
    private readonly double[]? _gram, _factor;
    private readonly int _stride;
    private readonly int[] _index;
    private readonly bool _identity;
    private readonly double[]? _scratch;

    /// <summary>A problem over a shared Gram.</summary>
    /// <param name="gram">A square Gram matrix, row-major with <paramref name="stride"/> columns.</param>
    /// <param name="stride">Columns of <paramref name="gram"/>.</param>
    /// <param name="index">Which rows/columns of <paramref name="gram"/> are the problem's variables.</param>
    /// <param name="linear">c = Aᵀb, one per variable.</param>
    /// <param name="bSquared">‖b‖².</param>
    /// <param name="eta">η = rows·ζ².</param>
    /// <param name="rows">Rows of A.</param>
    public SimplexProblem(double[] gram, int stride, int[] index, double[] linear, double bSquared, double eta, int rows)
        : this(gram, stride, null, 0, index, linear, bSquared, eta, rows)
    {
    }

    private SimplexProblem(double[]? gram, int stride, double[]? factor, int width, int[] index, double[] linear, double bSquared, double eta, int rows)
    {
        _gram = gram;
        _stride = stride;
        _factor = factor;
        Width = factor is null ? 0 : width;
        _index = index;
        bool identity = true;
        for (int a = 0; a < index.Length && identity; a++)
        {
            identity = index[a] == a;
        }
        _identity = identity;
        _scratch = factor is null ? null : new double[width];
        Linear = linear;
        BSquared = bSquared;
        Eta = eta;
        Rows = rows;
    }

    /// <summary>
    /// A problem whose Gram is the inner products of factor rows: G[a, b] = f_index[a]·f_index[b], f_i the i-th row
    /// (length <paramref name="width"/>) of <paramref name="factor"/>; other parameters as the Gram constructor.
    /// </summary>
    /// <param name="target">b with c = Fb, when known (see <see cref="Target"/>).</param>
    public static SimplexProblem FromFactor(double[] factor, int width, int[] index, double[] linear, double bSquared, double eta, int rows,
        double[]? target = null) =>
        new(null, 0, factor, width, index, linear, bSquared, eta, rows) { Target = target };

    /// <summary>A problem given both ways: <paramref name="gram"/> (stride × stride) holds the inner products of the rows of <paramref name="factor"/>.</summary>
    public static SimplexProblem FromGramAndFactor(double[] gram, int stride, double[] factor, int width, int[] index, double[] linear,
        double bSquared, double eta, int rows, double[]? target = null) =>
        new(gram, stride, factor, width, index, linear, bSquared, eta, rows) { Target = target };

    /// <summary>Number of variables.</summary>
    public int N => _index.Length;

    /// <summary>c = Aᵀb.</summary>
    public double[] Linear { get; }

    /// <summary>‖b‖².</summary>
    public double BSquared { get; }

    /// <summary>η.</summary>
    public double Eta { get; }

    /// <summary>Rows of A.</summary>
    public int Rows { get; }

    /// <summary>Whether G is also given by factor rows (<see cref="Factor"/>).</summary>
    public bool Factored => _factor is not null;

    /// <summary>
    /// The target in factor space, b with c_a = f_a·b, when known (length <see cref="Width"/>): lets the solver compute
    /// H_SS⁻¹c_S as F_S(ηI + F_SᵀF_S)⁻¹b, which involves no division by η (set for ω's and GeoLift's problems).
    /// </summary>
    public double[]? Target { get; private init; }

    /// <summary>Length of a factor row (0 without factor rows).</summary>
    public int Width { get; }

    /// <summary>The factor row f_a of variable a (G[a, b] = f_a·f_b); factored problems only.</summary>
    public ReadOnlySpan<double> Factor(int a) => _factor.AsSpan(_index[a] * Width, Width);

    /// <summary>G[a, b] of the problem's variables a and b.</summary>
    public double G(int a, int b) => _gram is null
        ? VectorMath.Dot(Factor(a), Factor(b))
        : _gram[_index[a] * _stride + _index[b]];

    /// <summary>Adds <paramref name="scale"/>·G[:, a] to <paramref name="target"/> (length N).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public void AddColumn(int a, double scale, Span<double> target)
    {
        if (_gram is null)
        {
            var fa = Factor(a);
            for (int b = 0; b < target.Length; b++)
            {
                target[b] += scale * VectorMath.Dot(fa, Factor(b));
            }
            return;
        }
        var row = _gram.AsSpan(_index[a] * _stride, _stride);
        if (_identity)
        {
            VectorMath.AddScaled(target, row[..target.Length], scale);
            return;
        }
        for (int b = 0; b < target.Length; b++)
        {
            target[b] += scale * row[_index[b]];
        }
    }

    /// <summary>Gx for a (possibly sparse) x: by columns of the Gram when x has few non-zeros, else as F(Fᵀx).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public void Multiply(ReadOnlySpan<double> x, Span<double> gx)
    {
        gx.Clear();
        int nonZeros = 0;
        foreach (double v in x)
        {
            nonZeros += v != 0 ? 1 : 0;
        }
        if (_factor is not null && (_gram is null || nonZeros > Width))
        {
            var u = _scratch.AsSpan();
            u.Clear();
            for (int a = 0; a < x.Length; a++)
            {
                if (x[a] != 0)
                {
                    VectorMath.AddScaled(u, Factor(a), x[a]);
                }
            }
            for (int a = 0; a < gx.Length; a++)
            {
                gx[a] = VectorMath.Dot(Factor(a), u);
            }
            return;
        }
        for (int a = 0; a < x.Length; a++)
        {
            if (x[a] != 0)
            {
                AddColumn(a, x[a], gx);
            }
        }
    }

    /// <summary>The reference's objective ζ²‖x‖² + ‖Ax − b‖²/rows at x.</summary>
    public double Objective(ReadOnlySpan<double> x)
    {
        var gx = new double[N];
        Multiply(x, gx);
        double quadratic = 0, cross = 0, norm = 0;
        for (int a = 0; a < N; a++)
        {
            quadratic += x[a] * gx[a];
            cross += x[a] * Linear[a];
            norm += x[a] * x[a];
        }
        return (quadratic - 2 * cross + BSquared + Eta * norm) / Rows;
    }

    /// <summary>Half the gradient of ‖Ax − b‖² + η‖x‖²: Gx − c + ηx.</summary>
    public void HalfGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        Multiply(x, gradient);
        for (int a = 0; a < gradient.Length; a++)
        {
            gradient[a] += Eta * x[a] - Linear[a];
        }
    }
}
