using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Panels;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Guardrails;

public sealed class SpikeDetectorTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(6, 0.85)]
    [InlineData(8, 0.95)]
    public void Spikes_in_light_tailed_daily_noise_are_found_at_the_nominal_false_flag_rate(double size, double minDetection)
    {
        const int units = 40, periods = 105;
        var matrix = new PanelMatrix("m", units, periods, Noise(units, periods, seed: 15));

        var (detection, falseRate, clean) = Inject(matrix, new SpikeDetectorOptions(), spikes: 4, size: size, seeds: 50);

        output.WriteLine($"Gaussian {size} SD: detection {detection:0.000}, false flags per clean unit-day {falseRate:0.00000} over {clean} cells");
        Assert.True(detection >= minDetection, $"detection {detection}");
        Assert.True(falseRate <= Bound(0.001, clean), $"false-flag rate {falseRate}");
    }

    [Fact]
    public async Task GeoLift_flags_the_last_days_that_collapse_to_a_few_percent_of_their_baseline()
    {
        var panel = await PanelExportReader.ReadAsync(TestData.Panel("GeoLift_Test.parquet"));
        var matrix = panel.Metric("conversions");

        var scan = SpikeDetector.Detect(matrix.Values, matrix.Units, matrix.Periods);

        Assert.Empty(scan.Skipped);
        Assert.Equal(40 * (105 - 28), scan.ScoredCells);
        foreach (var (unit, period) in new[] { (33, 100), (33, 101), (17, 100) })
        {
            var spike = Assert.Single(scan.Spikes, s => (s.Unit, s.Period) == (unit, period));
            Assert.True(spike.Value < 0.05 * spike.Baseline, $"{panel.Units[unit]} {panel.Periods[period]}: {spike.Value} vs {spike.Baseline}");
        }
        // The panel's own flags are 11 days of 3,080, each at least 20% off its baseline (collapses to 2% of it, a +80% day):
        // real anomalies, which is why the injection test below counts only flags beyond them as false.
        Assert.InRange(scan.Spikes.Count, 3, 12);
        Assert.All(scan.Spikes, s => Assert.True(Math.Abs(s.Value - s.Baseline) > 0.2 * s.Baseline, $"{panel.Units[s.Unit]} {panel.Periods[s.Period]}: {s.Value} vs {s.Baseline}"));
    }

    [Theory]
    [InlineData("GeoLift_Test.parquet", "conversions", 7, 10, 0.4)]
    [InlineData("GeoLift_Test.parquet", "conversions", 7, 20, 0.6)]
    [InlineData("california_prop99.parquet", "packs_per_capita", 1, 10, 0.4)]
    [InlineData("california_prop99.parquet", "packs_per_capita", 1, 20, 0.6)]
    public async Task Spikes_injected_into_real_panels_are_flagged_at_no_more_than_the_nominal_false_flag_rate(
        string file, string metric, int seasonLength, double size, double minDetection)
    {
        var matrix = (await PanelExportReader.ReadAsync(TestData.Panel(file))).Metric(metric);
        var options = new SpikeDetectorOptions { SeasonLength = seasonLength };   // Prop 99 is yearly: the previous 4 years

        var (detection, falseRate, clean) = Inject(matrix, options, spikes: 4, size: size, seeds: 50, realPanel: true);

        output.WriteLine($"{file} {size} SD: detection {detection:0.000}, false flags per clean cell {falseRate:0.00000} over {clean} cells");
        Assert.True(detection >= minDetection, $"detection {detection}");
        Assert.True(falseRate <= Bound(0.001, clean), $"false-flag rate {falseRate}");
    }

    [Fact]
    public void A_spike_is_reported_with_its_unit_day_value_and_same_weekday_median_baseline()
    {
        const int units = 30, periods = 70;
        var values = Noise(units, periods, seed: 7);
        double before = values[3 * periods + 50];
        values[3 * periods + 50] += 40;   // 40 SDs of unit noise

        var scan = SpikeDetector.Detect(values, units, periods);

        var spike = Assert.Single(scan.Spikes, s => s.Unit == 3 && s.Period == 50);
        Assert.Equal(before + 40, spike.Value);
        Assert.Equal(MedianOf(values[3 * periods + 22], values[3 * periods + 29], values[3 * periods + 36], values[3 * periods + 43]), spike.Baseline, 12);
        Assert.True(spike.Probability < 1e-4, $"p {spike.Probability}");
        Assert.Equal(units * (periods - 28), scan.ScoredCells);
    }

    [Fact]
    public void Rescaling_a_unit_leaves_its_probabilities_unchanged()
    {
        const int units = 30, periods = 70;
        var values = Noise(units, periods, seed: 11);
        values[5 * periods + 40] += 12;
        var scaled = (double[])values.Clone();
        for (int t = 0; t < periods; t++)
        {
            scaled[5 * periods + t] = 1000 + 250 * scaled[5 * periods + t];
        }

        var a = SpikeDetector.Detect(values, units, periods);
        var b = SpikeDetector.Detect(scaled, units, periods);

        Assert.Equal(a.Spikes.Select(s => (s.Unit, s.Period, s.Probability)), b.Spikes.Select(s => (s.Unit, s.Period, s.Probability)));
        Assert.Contains(a.Spikes, s => (s.Unit, s.Period) == (5, 40));
        Assert.Equal(250 * a.RobustScales[5], b.RobustScales[5], 9);
    }

    [Fact]
    public void Short_and_constant_units_are_skipped_with_a_reason_never_thrown()
    {
        var shortScan = SpikeDetector.Detect(Noise(3, 35, seed: 1), 3, 35);
        Assert.Equal([0, 1, 2], shortScan.Skipped.Select(s => s.Unit));
        Assert.Contains("at least 14", shortScan.Skipped[0].Reason);
        Assert.Empty(shortScan.Spikes);

        const int units = 30, periods = 70;
        var values = Noise(units, periods, seed: 3);
        values.AsSpan(2 * periods, periods).Fill(5);
        var scan = SpikeDetector.Detect(values, units, periods);
        var skipped = Assert.Single(scan.Skipped);
        Assert.Equal(2, skipped.Unit);
        Assert.Contains("no spread", skipped.Reason);
        Assert.True(double.IsNaN(scan.RobustScales[2]));
        Assert.Equal((units - 1) * (periods - 28), scan.ScoredCells);
    }

    [Fact]
    public void Too_few_cells_for_a_tail_model_skip_every_unit()
    {
        var scan = SpikeDetector.Detect(Noise(2, 50, seed: 5), 2, 50);

        Assert.Equal(2, scan.Skipped.Count);
        Assert.All(scan.Skipped, s => Assert.Contains("cannot carry a tail model", s.Reason));
        Assert.Equal(0, scan.ScoredCells);
    }

    /// <summary>
    /// Injects <paramref name="spikes"/> spikes of <paramref name="size"/> robust SDs (either sign) at seeded random scored
    /// cells of distinct units and scores them. On a <paramref name="realPanel"/> the cells flagged before injection are
    /// the data's own anomalies: never injected into, and not counted as false flags or as clean cells.
    /// </summary>
    private static (double Detection, double FalseRate, long Clean) Inject(PanelMatrix matrix, SpikeDetectorOptions options, int spikes, double size, int seeds,
        bool realPanel = false)
    {
        int units = matrix.Units, periods = matrix.Periods, history = options.SeasonLength * options.SeasonsInBaseline;
        var own = SpikeDetector.Detect(matrix.Values, units, periods, options);
        var scales = own.RobustScales;
        // A real panel's own spikes (flagged before anything is injected) are neither injected nor false flags.
        var anomalies = realPanel ? own.Spikes.Select(s => (s.Unit, s.Period)).ToHashSet() : [];
        long injected = 0, found = 0, clean = 0, falseFlags = 0;
        for (int seed = 0; seed < seeds; seed++)
        {
            var rng = new Random(seed);
            var values = matrix.Values.ToArray();
            var truth = new HashSet<(int, int)>();
            while (truth.Count < spikes)
            {
                int u = rng.Next(units), t = rng.Next(history, periods);
                if (!double.IsNaN(scales[u]) && truth.All(c => c.Item1 != u) && !anomalies.Contains((u, t)))
                {
                    truth.Add((u, t));
                    values[u * periods + t] += size * scales[u] * (rng.Next(2) == 0 ? 1 : -1);
                }
            }
            var scan = SpikeDetector.Detect(values, units, periods, options);
            int hits = scan.Spikes.Count(s => truth.Contains((s.Unit, s.Period)));
            int ownFlags = scan.Spikes.Count(s => anomalies.Contains((s.Unit, s.Period)));
            (injected, found) = (injected + truth.Count, found + hits);
            (clean, falseFlags) = (clean + scan.ScoredCells - truth.Count - anomalies.Count, falseFlags + scan.Spikes.Count - hits - ownFlags);
        }
        return ((double)found / injected, (double)falseFlags / clean, clean / seeds);
    }

    /// <summary>The threshold plus three Monte Carlo standard errors of a rate over <paramref name="cells"/> cells.</summary>
    private static double Bound(double threshold, long cells) => threshold + 3 * Math.Sqrt(threshold * (1 - threshold) / cells);

    private static double[] Noise(int units, int periods, int seed)
    {
        var rng = new Random(seed);
        var values = new double[units * periods];
        for (int i = 0; i < values.Length; i++)
        {
            double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            values[i] = 100 + 10 * (i % periods % 7) + g;
        }
        return values;
    }

    private static double MedianOf(params double[] v)
    {
        Array.Sort(v);
        return 0.5 * (v[1] + v[2]);
    }
}
