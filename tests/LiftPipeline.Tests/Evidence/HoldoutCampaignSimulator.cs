using LiftPipeline.Pipeline.Evidence;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Tests.Evidence;

/// <summary>
/// Simulated audience holdouts measured in memory by <see cref="HoldoutMeasurer"/>: arms holdout/vbo/vbo_1p (20/40/40),
/// segments new/regular/vip, surfaces app/web, markets de/fr; revenue per customer = base·(1 + 0.5·Z), base 20; VBO
/// multiplies revenue by 1.04 and VBO+1P by 1.04·exp(θ) (θ per segment), so the true log lift of vbo_1p over vbo is θ.
/// Treated arms are exposed and spend 0.40 per customer; the holdout neither.
/// </summary>
internal static class HoldoutCampaignSimulator
{
    private static readonly string[] Arms = ["holdout", "vbo", "vbo_1p"];
    private static readonly string[] Segments = ["new", "regular", "vip"];

    /// <summary>One campaign of <paramref name="customers"/> customers with true log lift <paramref name="theta"/>(segment) of vbo_1p over vbo.</summary>
    /// <param name="seed">Seed of the customers' draws.</param>
    /// <param name="customers">Customers in the campaign.</param>
    /// <param name="theta">True log lift by segment.</param>
    /// <param name="cells">False: no segment, surface or market columns (faster; overall contrasts only).</param>
    public static HoldoutMeasurement Measure(int seed, int customers, Func<string, double> theta, bool cells = true)
    {
        const double vboLift = 0.04;
        var random = new Random(seed);
        var batch = new ExperimentBatch(1, 0);
        batch.Reset(0, customers);
        Span<int> arm = batch.ArmBuffer.Span, segment = batch.SegmentBuffer.Span, surface = batch.SurfaceBuffer.Span, market = batch.MarketBuffer.Span;
        Span<sbyte> exposed = batch.ExposedBuffer.Span;
        Span<double> spend = batch.SpendBuffer.Span, revenue = batch.OutcomeBuffer(0).Span;
        var multiplier = new double[Arms.Length, Segments.Length];
        for (int s = 0; s < Segments.Length; s++)
        {
            (multiplier[0, s], multiplier[1, s], multiplier[2, s]) = (1, 1 + vboLift, (1 + vboLift) * Math.Exp(theta(Segments[s])));
        }
        for (int i = 0; i < customers; i++)
        {
            double u = random.NextDouble();
            arm[i] = u < 0.2 ? 0 : u < 0.6 ? 1 : 2;
            double v = random.NextDouble();
            int s = v < 0.5 ? 0 : v < 0.85 ? 1 : 2;
            segment[i] = cells ? s : -1;
            surface[i] = cells ? random.Next(2) : -1;
            market[i] = cells ? random.Next(2) : -1;
            exposed[i] = (sbyte)(arm[i] == 0 ? 0 : 1);
            spend[i] = arm[i] == 0 ? 0 : 0.40;
            revenue[i] = 20 * (1 + 0.5 * Gaussian(random)) * multiplier[arm[i], s];
        }
        var categories = new Categories(cells);
        var accumulator = new StatisticsAccumulator(["revenue"], [], new ExperimentStatisticsOptions());
        accumulator.Add(batch, categories);
        return HoldoutMeasurer.Measure(accumulator.ToStatistics(categories), new HoldoutMeasureOptions
        {
            Metrics = ["revenue"],
            FitTails = false,
            Settings = new HoldoutSettings
            {
                Allocation = new Dictionary<string, double> { ["holdout"] = 0.2, ["vbo"] = 0.4, ["vbo_1p"] = 0.4 },
                Contrasts = [new ArmContrast("vbo_1p", "vbo")],
                PrimaryContrast = new ArmContrast("vbo_1p", "vbo"),
                RevenueMetric = "revenue",
            },
        });
    }

    /// <summary>The contribution of a simulated campaign named <c>sim-{index}</c>, as the pipeline would store it.</summary>
    public static Contribution Contribution(int index, HoldoutMeasurement measurement, bool concluded = true)
    {
        string campaign = $"sim-{index:00}";
        var report = HoldoutReport.Create(campaign, "run-1", new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero), measurement);
        return LiftPipeline.Pipeline.Evidence.Contribution.Of(report, $"Simulated campaign {index}", StoreLayout.ReportFolder(CampaignId.Parse(campaign), RunId.Parse("run-1")),
            concluded ? "final decision" : null);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed class Categories(bool cells) : IExperimentCategories
    {
        public IReadOnlyList<string> ArmNames => Arms;

        public IReadOnlyList<string> SegmentNames => cells ? Segments : [];

        public IReadOnlyList<string> SurfaceNames => cells ? ["app", "web"] : [];

        public IReadOnlyList<string> MarketNames => cells ? ["de", "fr"] : [];

        public bool HasExposure => true;

        public bool HasSpend => true;
    }
}
