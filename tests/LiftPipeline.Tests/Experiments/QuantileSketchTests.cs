using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Tests.Experiments;

public sealed class QuantileSketchTests
{
    // Lognormal magnitudes over six decades, a third negative, a tenth exactly zero.
    private static double[] Values(int n, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u = random.NextDouble();
            double magnitude = Math.Exp(3 + 2.5 * Normal(random));
            values[i] = u < 0.1 ? 0 : u < 0.4 ? -magnitude : magnitude;
        }
        return values;
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.05)]
    public void Every_quantile_is_within_the_relative_accuracy_of_the_exact_order_statistic(double alpha)
    {
        var values = Values(20_000, 3);
        var sketch = new QuantileSketch(alpha);
        foreach (double v in values)
        {
            sketch.Add(v);
        }
        Array.Sort(values);
        for (int k = 0; k <= 1000; k++)
        {
            double q = k / 1000.0;
            double exact = values[(int)Math.Floor(q * (values.Length - 1))];
            double estimate = sketch.Quantile(q);
            Assert.True(Math.Abs(estimate - exact) <= alpha * Math.Abs(exact) + 1e-12, $"q={q}: sketch {estimate}, exact {exact}");
        }
        Assert.Equal(values.Length, sketch.Count);
    }

    [Fact]
    public void Merging_sketches_of_two_parts_gives_exactly_the_sketch_of_the_whole()
    {
        var values = Values(5_000, 4);
        var whole = new QuantileSketch();
        var left = new QuantileSketch();
        var right = new QuantileSketch();
        for (int i = 0; i < values.Length; i++)
        {
            whole.Add(values[i]);
            (i % 3 == 0 ? left : right).Add(values[i]);
        }
        left.Merge(right);

        Assert.Equal(whole.Buckets(), left.Buckets());
        Assert.Equal(whole.ZeroCount, left.ZeroCount);
        Assert.Equal(whole.Quantile(0.37), left.Quantile(0.37));
    }

    [Fact]
    public void Buckets_cover_their_values_in_ascending_order_with_relative_width_alpha()
    {
        var sketch = new QuantileSketch(0.02);
        foreach (double v in new[] { -50.0, -0.5, 0.0, 0.0, 1.0, 99.0, 100.0, 1e6 })
        {
            sketch.Add(v);
        }
        var buckets = sketch.Buckets();

        Assert.Equal(8, buckets.Sum(b => b.Count));
        Assert.Equal(new SketchBucket(0, 0, 2), buckets.Single(b => b.Lower == 0 && b.Upper == 0));
        Assert.True(buckets[0].Lower < -50 && -50 <= buckets[0].Upper);
        Assert.True(buckets[^1].Lower < 1e6 && 1e6 <= buckets[^1].Upper);
        for (int i = 1; i < buckets.Count; i++)
        {
            Assert.True(buckets[i - 1].Upper <= buckets[i].Lower);
        }
        double gamma = 1.02 / 0.98;
        Assert.All(buckets.Where(b => b.Lower > 0), b => Assert.Equal(gamma, b.Upper / b.Lower, 1e-12));
        Assert.True(double.IsNaN(new QuantileSketch().Quantile(0.5)));
    }

    // Pareto with tail index 0.7 (no mean): magnitudes over many decades, the case a relative-error sketch exists for.
    [Theory]
    [InlineData(0.01)]
    [InlineData(0.002)]
    [InlineData(0.1)]
    public void On_heavy_tailed_data_every_quantile_is_within_the_relative_accuracy(double alpha)
    {
        var random = new Random(11);
        var values = new double[50_000];
        for (int i = 0; i < values.Length; i++)
        {
            double pareto = 0.01 * Math.Pow(1 - random.NextDouble(), -1 / 0.7);
            values[i] = i % 5 == 0 ? -pareto : pareto;
        }
        var sketch = new QuantileSketch(alpha);
        foreach (double v in values)
        {
            sketch.Add(v);
        }
        Array.Sort(values);
        Assert.True(values[^1] / values[values.Length / 2] > 1e5, "the data span many decades");
        for (int k = 0; k <= 2000; k++)
        {
            double q = k / 2000.0;
            double exact = values[(int)Math.Floor(q * (values.Length - 1))];
            double estimate = sketch.Quantile(q);
            Assert.True(Math.Abs(estimate - exact) <= alpha * Math.Abs(exact), $"q={q}: sketch {estimate}, exact {exact}");
        }
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.05)]
    [InlineData(0.0005)]
    [InlineData(0.0001)]
    public void A_value_falls_in_the_bucket_whose_bounds_hold_it(double alpha)
    {
        // The bucket i = ⌈log_γ x⌉ is (γ^(i−1), γ^i]: check it for values from the smallest to the largest magnitude,
        // the bounds themselves and their neighbours included.
        double gamma = (1 + alpha) / (1 - alpha);
        var random = new Random(2);
        var values = new List<double> { QuantileSketch.MinIndexable * 1.000001, 1, gamma, Math.Pow(gamma, 7), double.MaxValue, 1e300, 3e-12 };
        for (int i = 0; i < 20_000; i++)
        {
            values.Add(Math.Exp(random.NextDouble() * 735 - 27));
        }
        foreach (int i in new[] { -1000, -3, 1, 2, 50, 700, 5000 })
        {
            double bound = Math.Pow(gamma, i);
            if (bound is > QuantileSketch.MinIndexable and < double.MaxValue)
            {
                values.AddRange([bound, Math.BitDecrement(bound), Math.BitIncrement(bound)]);
            }
        }
        foreach (double x in values)
        {
            var sketch = new QuantileSketch(alpha);
            sketch.Add(x);
            var bucket = Assert.Single(sketch.Buckets());
            Assert.True(bucket.Lower < x * (1 + 1e-12) && x <= bucket.Upper * (1 + 1e-12), $"{x:R} in ({bucket.Lower:R}, {bucket.Upper:R}]");
            if (double.IsFinite(bucket.Upper))
            {
                Assert.Equal(gamma, bucket.Upper / bucket.Lower, 1e-9 * gamma);
            }
        }
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    public void Infinities_and_NaN_are_rejected(double value)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new QuantileSketch().Add(value));
        Assert.Contains("NaN or an infinity", error.Message);
    }
}
