using LiftPipeline.Statistics.Experiments.Tails;

namespace LiftPipeline.Tests.Experiments;

/// <summary>
/// Buckets positive values like a relative-error sketch: bucket i is [γ^(i−1), γ^i) with γ = 1 + relative width, so
/// every bucket is 1% wide relative to its values.
/// </summary>
internal static class RelativeErrorHistogram
{
    public static HistogramBucket[] From(IEnumerable<double> values, double relativeWidth = 0.01)
    {
        double logGamma = Math.Log(1 + relativeWidth);
        var counts = new SortedDictionary<int, long>();
        foreach (double x in values)
        {
            int i = (int)Math.Ceiling(Math.Log(x) / logGamma);
            counts[i] = counts.GetValueOrDefault(i) + 1;
        }
        return [.. counts.Select(c => new HistogramBucket(Math.Exp((c.Key - 1) * logGamma), Math.Exp(c.Key * logGamma), c.Value))];
    }

    /// <summary>n draws from a GPD(ξ, σ) by inversion, seeded.</summary>
    public static double[] Gpd(double shape, double scale, int n, int seed)
    {
        var random = new Random(seed);
        var gpd = new GeneralizedPareto(shape, scale);
        var draws = new double[n];
        for (int i = 0; i < n; i++)
        {
            draws[i] = gpd.FromUniform(random.NextDouble());
        }
        return draws;
    }

    /// <summary>n standard normal draws (Box–Muller), seeded.</summary>
    public static double[] Normal(double mean, double sd, int n, int seed)
    {
        var random = new Random(seed);
        var draws = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u = 1 - random.NextDouble(), v = random.NextDouble();
            draws[i] = mean + sd * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
        }
        return draws;
    }
}
