namespace LiftPipeline.Core.Estimators;

/// <summary>
/// One synthdid weight problem in Gram form: minimise ‖Ax − b‖² + η‖x‖² over the unit simplex, given only
/// G = AᵀA (a sub-matrix of a shared Gram, selected by <see cref="Index"/>, repeats allowed), c = Aᵀb and ‖b‖².
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
    public SimplexProblem(double[] gram, int stride, int[] index, double[] linear, double bSquared, double eta, int rows)
    {
        _gram = gram;
        _stride = stride;
        Index = index;
        Linear = linear;
        BSquared = bSquared;
        Eta = eta;
        Rows = rows;
    }

    /// <summary>Number of variables.</summary>
    public int N => Index.Length;

    public int[] Index { get; }

    public double[] Linear { get; }

    public double BSquared { get; }

    public double Eta { get; }

    public int Rows { get; }

    /// <summary>G[a, b] of the problem's variables a and b.</summary>
    public double G(int a, int b) => _gram[Index[a] * _stride + Index[b]];

    /// <summary>Adds <paramref name="scale"/>·G[:, a] to <paramref name="target"/> (length N).</summary>
    public void AddColumn(int a, double scale, Span<double> target)
    {
        var row = _gram.AsSpan(Index[a] * _stride, _stride);
        var index = Index;
        for (int b = 0; b < target.Length; b++)
        {
            target[b] += scale * row[index[b]];
        }
    }

    /// <summary>Gx for a (possibly sparse) x.</summary>
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
