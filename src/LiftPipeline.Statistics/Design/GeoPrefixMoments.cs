using System.Runtime.CompilerServices;
using LiftPipeline.Statistics.Estimators.Solvers;

namespace LiftPipeline.Statistics.Design;

/// <summary>
/// Every market's mean over the first P periods and the N×N Gram of the markets de-meaned over them,
/// G_ij = Σ_{t&lt;P} (Y_it − m_i)(Y_jt − m_j).
/// </summary>
internal sealed class GeoPrefixMoments
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public GeoPrefixMoments(double[] centred, int n, int t, int length)
    {
        Means = new double[n];
        Gram = new double[n * n];
        RowSums = new double[n];
        var demeaned = new double[n * length];
        for (int i = 0; i < n; i++)
        {
            var row = centred.AsSpan(i * t, length);
            double mean = 0;
            foreach (double v in row)
            {
                mean += v;
            }
            mean /= length;
            Means[i] = mean;
            for (int s = 0; s < length; s++)
            {
                demeaned[i * length + s] = row[s] - mean;
            }
        }
        for (int i = 0; i < n; i++)
        {
            var xi = demeaned.AsSpan(i * length, length);
            for (int j = 0; j <= i; j++)
            {
                Gram[i * n + j] = Gram[j * n + i] = VectorMath.Dot(xi, demeaned.AsSpan(j * length, length));
            }
        }
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            foreach (double g in Gram.AsSpan(i * n, n))
            {
                sum += g;
            }
            RowSums[i] = sum;
        }
    }

    /// <summary>m_i over the prefix, of the centred data.</summary>
    public double[] Means { get; }

    /// <summary>G, N×N row-major.</summary>
    public double[] Gram { get; }

    /// <summary>Σ_j G_ij.</summary>
    public double[] RowSums { get; }
}
