using System.Runtime.CompilerServices;

namespace LiftPipeline.Statistics.Estimators.Solvers;

/// <summary>
/// One synthdid weight problem in Gram form: minimise ‖Ax − b‖² + η‖x‖² over the unit simplex, given only
/// G = AᵀA (copied from a shared Gram by an index, repeats allowed), c = Aᵀb and ‖b‖².
/// The reference's reported objective is that divided by <see cref="Rows"/> (the rows of A), i.e. ζ²‖x‖² + ‖Ax − b‖²/rows.
/// </summary>
internal sealed class SimplexProblem
{
    private readonly double[] _gram;
    private readonly int _stride;

    /// <param name="gram">A square Gram matrix, row-major with <paramref name="stride"/> columns.</param>
    /// <param name="index">Which rows/columns of <paramref name="gram"/> are the problem's variables.</param>
    /// <param name="linear">c = Aᵀb, one per variable.</param>
    /// <param name="bSquared">‖b‖².</param>
    /// <param name="eta">η = rows·ζ².</param>
    /// <param name="rows">Rows of A.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public SimplexProblem(double[] gram, int stride, int[] index, double[] linear, double bSquared, double eta, int rows)
    {
        // A dense copy of the selected sub-matrix, so columns are contiguous in the solvers' inner loops.
        int n = index.Length;
        _gram = new double[n * n];
        _stride = n;
        for (int a = 0; a < n; a++)
        {
            var from = gram.AsSpan(index[a] * stride, stride);
            var to = _gram.AsSpan(a * n, n);
            for (int b = 0; b < n; b++)
            {
                to[b] = from[index[b]];
            }
        }
        Linear = linear;
        BSquared = bSquared;
        Eta = eta;
        Rows = rows;
    }

    /// <summary>Number of variables.</summary>
    public int N => _stride;

    public double[] Linear { get; }

    public double BSquared { get; }

    public double Eta { get; }

    public int Rows { get; }

    /// <summary>G[a, b] of the problem's variables a and b.</summary>
    public double G(int a, int b) => _gram[a * _stride + b];

    /// <summary>G[:, a] (= G[a, :]), contiguous.</summary>
    public ReadOnlySpan<double> Column(int a) => _gram.AsSpan(a * _stride, _stride);

    /// <summary>Adds <paramref name="scale"/>·G[:, a] to <paramref name="target"/> (length N).</summary>
    public void AddColumn(int a, double scale, Span<double> target) => VectorMath.AddScaled(target, Column(a), scale);

    /// <summary>Gx for a (possibly sparse) x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public void Multiply(ReadOnlySpan<double> x, Span<double> gx)
    {
        gx.Clear();
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
