using System.Numerics;
using System.Runtime.CompilerServices;

namespace LiftPipeline.Statistics.Estimators.Solvers;

/// <summary>SIMD dot product and axpy for the solvers' inner loops.</summary>
internal static class VectorMath
{
    /// <summary>Σ x_t y_t over the length of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var sums = Vector<double>.Zero;
        int width = Vector<double>.Count, t = 0;
        for (; t <= x.Length - width; t += width)
        {
            sums += new Vector<double>(x[t..]) * new Vector<double>(y[t..]);
        }
        double sum = Vector.Sum(sums);
        for (; t < x.Length; t++)
        {
            sum += x[t] * y[t];
        }
        return sum;
    }

    /// <summary>target += scale·x over the length of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public static void AddScaled(Span<double> target, ReadOnlySpan<double> x, double scale)
    {
        int width = Vector<double>.Count, t = 0;
        var factor = new Vector<double>(scale);
        for (; t <= x.Length - width; t += width)
        {
            (new Vector<double>(target[t..]) + factor * new Vector<double>(x[t..])).CopyTo(target[t..]);
        }
        for (; t < x.Length; t++)
        {
            target[t] += scale * x[t];
        }
    }

    /// <summary>target += c0·x0 + c1·x1 + c2·x2 + c3·x3 over the length of target.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public static void AddFour(Span<double> target, ReadOnlySpan<double> x0, double c0, ReadOnlySpan<double> x1, double c1,
        ReadOnlySpan<double> x2, double c2, ReadOnlySpan<double> x3, double c3)
    {
        int width = Vector<double>.Count, q = 0;
        var f0 = new Vector<double>(c0);
        var f1 = new Vector<double>(c1);
        var f2 = new Vector<double>(c2);
        var f3 = new Vector<double>(c3);
        for (; q <= target.Length - width; q += width)
        {
            var sum = new Vector<double>(target[q..]) + f0 * new Vector<double>(x0[q..]) + f1 * new Vector<double>(x1[q..])
                + f2 * new Vector<double>(x2[q..]) + f3 * new Vector<double>(x3[q..]);
            sum.CopyTo(target[q..]);
        }
        for (; q < target.Length; q++)
        {
            target[q] += c0 * x0[q] + c1 * x1[q] + c2 * x2[q] + c3 * x3[q];
        }
    }
}
