using System.Numerics;
using System.Runtime.CompilerServices;

namespace LiftPipeline.Statistics.Estimators.Solvers;

/// <summary>SIMD dot product and axpy for the weight solvers' inner loops.</summary>
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
}
