using LiftPipeline.Statistics.Experiments;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace LiftPipeline.Tests.Experiments;

/// <summary>
/// Seeded draws of the sufficient statistics of simulated experiments, exact where the distribution allows it, so
/// thousands of 10,000-customer arms cost microseconds each. Replication r draws from its own generator seeded from
/// (seed, r), so results do not depend on threads.
/// </summary>
internal static class SufficientStatisticDraws
{
    /// <summary>The generator of replication <paramref name="replication"/> of a study seeded <paramref name="seed"/>.</summary>
    public static Random Generator(int seed, int replication)
    {
        unchecked
        {
            // SplitMix64 finaliser of (seed, replication): distinct, well-mixed seeds per replication.
            ulong z = ((ulong)(uint)seed << 32) | (uint)replication;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return new Xoshiro256StarStar((int)(z & int.MaxValue), threadSafe: false);
        }
    }

    /// <summary>
    /// The exact moments of n iid Normal(μ, σ²) draws: ȳ ~ N(μ, σ²/n) independent of (n − 1)s²/σ² ~ χ²_{n−1} (Cochran).
    /// </summary>
    public static SampleMoments Gaussian(Random rng, long n, double mean, double sd)
    {
        double m = mean + sd / Math.Sqrt(n) * Normal.Sample(rng, 0, 1);
        double scatter = sd * sd * ChiSquare(rng, n - 1);
        return new(n, n * m, scatter + n * m * m);
    }

    /// <summary>
    /// The exact paired moments of n iid bivariate normal (y, x) draws with correlation ρ: the means from the bivariate
    /// normal with covariance Σ/n, the scatter matrix from Wishart(n − 1, Σ) by Bartlett's decomposition L·B·Bᵀ·Lᵀ.
    /// </summary>
    public static PairedMoments BivariateGaussian(Random rng, long n, double meanY, double sdY, double meanX, double sdX, double rho)
    {
        double s = Math.Sqrt(1 - rho * rho), root = Math.Sqrt(n);
        double u1 = Normal.Sample(rng, 0, 1), u2 = Normal.Sample(rng, 0, 1);
        double xBar = meanX + sdX * u1 / root, yBar = meanY + sdY * (rho * u1 + s * u2) / root;
        // Bartlett: B = [[c1, 0], [z, c2]], c1² ~ χ²_{n−1}, c2² ~ χ²_{n−2}, z ~ N(0, 1); L = chol(Σ) with x first.
        double c1 = Math.Sqrt(ChiSquare(rng, n - 1)), c2 = Math.Sqrt(ChiSquare(rng, n - 2)), z = Normal.Sample(rng, 0, 1);
        double b11 = c1 * c1, b12 = c1 * z, b22 = z * z + c2 * c2;
        double l11 = sdX, l21 = rho * sdY, l22 = s * sdY;
        double sxx = l11 * l11 * b11, sxy = l11 * (l21 * b11 + l22 * b12), syy = l21 * l21 * b11 + 2 * l21 * l22 * b12 + l22 * l22 * b22;
        return new(n, n * yBar, syy + n * yBar * yBar, n * xBar, sxx + n * xBar * xBar, sxy + n * xBar * yBar);
    }

    /// <summary>χ²_k as Gamma(k/2, rate 1/2), O(1) per draw.</summary>
    public static double ChiSquare(Random rng, long k) => Gamma.Sample(rng, k / 2.0, 0.5);

    /// <summary>
    /// Splits n customers over segments with the given shares. The counts are binomial; at the sizes simulated here
    /// (every expected count ≥ 100) they are drawn from the normal approximation, rounded, with the last segment taking the rest —
    /// an error far below what coverage at 10⁻³ resolution can see.
    /// </summary>
    public static long[] SegmentCounts(Random rng, long n, ReadOnlySpan<double> shares)
    {
        var counts = new long[shares.Length];
        long left = n;
        double shareLeft = 1;
        for (int s = 0; s < shares.Length - 1; s++)
        {
            double p = Math.Min(1, shares[s] / shareLeft);
            double draw = left * p + Math.Sqrt(left * p * (1 - p)) * Normal.Sample(rng, 0, 1);
            counts[s] = Math.Clamp((long)Math.Round(draw), 0, left);
            left -= counts[s];
            shareLeft -= shares[s];
        }
        counts[^1] = left;
        return counts;
    }
}
