using MathNet.Numerics.LinearAlgebra;

namespace LiftPipeline.Statistics.Estimators.Solvers;

/// <summary>
/// Solves the synthetic-control weight problem min ½ω'Gω − c'ω over the simplex (ω ≥ 0, Σω = 1) to convergence,
/// where G = A'A and c = A'b for control paths A (columns) and target b. Accelerated projected gradient finds the
/// support, then a primal active-set method (KKT system on the free set) lands on the exact optimum.
/// Pure; allocates per call only.
/// </summary>
internal static class SimplexLeastSquares
{
    private const int MaxGradientIterations = 3_000;

    /// <summary>The simplex weights minimising ½ω'Gω − c'ω; <paramref name="gram"/> is n×n row-major.</summary>
    /// <param name="gram">G = A'A, row-major, symmetric positive semi-definite.</param>
    /// <param name="c">c = A'b.</param>
    /// <param name="start">A warm start on the simplex (its support seeds the active set), or null to find the support by projected gradient.</param>
    public static double[] Solve(double[] gram, double[] c, double[]? start = null)
    {
        int n = c.Length;
        if (n == 1)
        {
            return [1.0];
        }
        // A warm start (a nearby problem's optimum, as in cross-validation folds) goes straight to the active set.
        var w = start ?? ProjectedGradient(gram, c, null);
        return ActiveSet(gram, c, w);
    }

    /// <summary>FISTA with adaptive restart (Beck &amp; Teboulle 2009; O'Donoghue &amp; Candès 2015) on the simplex.</summary>
    private static double[] ProjectedGradient(double[] gram, double[] c, double[]? start)
    {
        int n = c.Length;
        double step = 1.0 / LargestEigenvalue(gram, n);
        var w = start is null ? Uniform(n) : (double[])start.Clone();
        var y = (double[])w.Clone();
        var next = new double[n];
        var grad = new double[n];
        var sortBuffer = new double[n];
        double theta = 1;
        for (int iteration = 0; iteration < MaxGradientIterations; iteration++)
        {
            Gradient(gram, c, y, grad);
            for (int i = 0; i < n; i++)
            {
                next[i] = y[i] - step * grad[i];
            }
            ProjectOntoSimplex(next, sortBuffer);
            double change = 0, restart = 0;
            for (int i = 0; i < n; i++)
            {
                change = Math.Max(change, Math.Abs(next[i] - w[i]));
                restart += grad[i] * (next[i] - w[i]);
            }
            double thetaNext = (1 + Math.Sqrt(1 + 4 * theta * theta)) / 2;
            double momentum = restart > 0 ? 0 : (theta - 1) / thetaNext;
            theta = restart > 0 ? 1 : thetaNext;
            for (int i = 0; i < n; i++)
            {
                y[i] = next[i] + momentum * (next[i] - w[i]);
                w[i] = next[i];
            }
            if (change < 1e-10)
            {
                break;
            }
        }
        return w;
    }

    /// <summary>
    /// Primal active-set method (Nocedal &amp; Wright, Algorithm 16.3) from a feasible start: solve the KKT system
    /// G_FF x − μ1 = c_F, 1'x = 1 on the free set F; step to feasibility or release the bound with the most negative multiplier.
    /// </summary>
    private static double[] ActiveSet(double[] gram, double[] c, double[] start)
    {
        int n = c.Length;
        var w = (double[])start.Clone();
        double largest = w.Max();
        for (int i = 0; i < n; i++)
        {
            w[i] = w[i] > 1e-10 * largest ? w[i] : 0;
        }
        Normalise(w);
        var free = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (w[i] > 0)
            {
                free.Add(i);
            }
        }
        double scale = Math.Max(c.Select(Math.Abs).Max(), gram.Select(Math.Abs).Max());
        for (int iteration = 0; iteration < 10 * n + 100; iteration++)
        {
            var (x, mu) = SolveKkt(gram, c, free, n);
            if (x is null)
            {
                return start;
            }
            double alpha = 1;
            int blocking = -1;
            for (int k = 0; k < free.Count; k++)
            {
                int i = free[k];
                if (x[k] < w[i] && x[k] <= 0)
                {
                    double a = w[i] / (w[i] - x[k]);
                    if (a < alpha)
                    {
                        alpha = a;
                        blocking = k;
                    }
                }
            }
            for (int k = 0; k < free.Count; k++)
            {
                w[free[k]] += alpha * (x[k] - w[free[k]]);
            }
            if (blocking >= 0)
            {
                w[free[blocking]] = 0;
                free.RemoveAt(blocking);
                continue;
            }
            int entering = MostNegativeMultiplier(gram, c, w, free, mu, scale);
            if (entering < 0)
            {
                return w;
            }
            free.Add(entering);
        }
        return w;
    }

    private static (double[]? X, double Mu) SolveKkt(double[] gram, double[] c, List<int> free, int n)
    {
        int m = free.Count;
        var kkt = Matrix<double>.Build.Dense(m + 1, m + 1);
        var rhs = Vector<double>.Build.Dense(m + 1);
        for (int a = 0; a < m; a++)
        {
            for (int b = 0; b < m; b++)
            {
                kkt[a, b] = gram[free[a] * n + free[b]];
            }
            kkt[a, m] = -1;
            kkt[m, a] = 1;
            rhs[a] = c[free[a]];
        }
        rhs[m] = 1;
        var solution = kkt.Svd(computeVectors: true).Solve(rhs);
        if (solution.Any(v => !double.IsFinite(v)))
        {
            return (null, 0);
        }
        return (solution.SubVector(0, m).ToArray(), solution[m]);
    }

    /// <summary>The bound variable whose multiplier ν_i = (Gω − c)_i − μ is most negative (beyond tolerance), or −1 at optimality.</summary>
    private static int MostNegativeMultiplier(double[] gram, double[] c, double[] w, List<int> free, double mu, double scale)
    {
        int n = c.Length;
        var grad = new double[n];
        Gradient(gram, c, w, grad);
        int best = -1;
        double most = -1e-11 * scale;
        for (int i = 0; i < n; i++)
        {
            if (!free.Contains(i) && grad[i] - mu < most)
            {
                most = grad[i] - mu;
                best = i;
            }
        }
        return best;
    }

    private static void Gradient(double[] gram, double[] c, double[] w, double[] grad)
    {
        int n = c.Length;
        for (int i = 0; i < n; i++)
        {
            double sum = -c[i];
            var row = gram.AsSpan(i * n, n);
            for (int j = 0; j < n; j++)
            {
                sum += row[j] * w[j];
            }
            grad[i] = sum;
        }
    }

    /// <summary>Euclidean projection onto the simplex (Duchi, Shalev-Shwartz, Singer, Chandra 2008, Figure 1).</summary>
    internal static void ProjectOntoSimplex(double[] v, double[] buffer)
    {
        int n = v.Length;
        v.AsSpan().CopyTo(buffer);
        Array.Sort(buffer);
        double cumulative = 0, shift = 0;
        for (int k = n - 1; k >= 0; k--)
        {
            cumulative += buffer[k];
            double candidate = (cumulative - 1) / (n - k);
            if (buffer[k] - candidate > 0)
            {
                shift = candidate;
            }
            else
            {
                break;
            }
        }
        for (int i = 0; i < n; i++)
        {
            v[i] = Math.Max(v[i] - shift, 0);
        }
    }

    private static double LargestEigenvalue(double[] gram, int n)
    {
        var matrix = Matrix<double>.Build.Dense(n, n, (i, j) => gram[i * n + j]);
        double largest = matrix.Evd(Symmetricity.Symmetric).EigenValues.Max(e => e.Real);
        return largest > 0 ? largest : 1;
    }

    private static double[] Uniform(int n)
    {
        var w = new double[n];
        Array.Fill(w, 1.0 / n);
        return w;
    }

    private static void Normalise(double[] w)
    {
        double sum = w.Sum();
        for (int i = 0; i < w.Length; i++)
        {
            w[i] /= sum;
        }
    }
}
