using System.Globalization;
using System.Text;
using LiftPipeline.Statistics.Audiences;
using LiftPipeline.Statistics.Conflation;
using LiftPipeline.Statistics.Experiments.Contrasts;
using MathNet.Numerics.Distributions;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Conflation;

/// <summary>
/// Known truth for conflated tests: independent salts are flagged at no more than the nominal rate, a shared salt is
/// always flagged; a known interaction is covered by its interval and detected; with true and null interactions over
/// pairs × metrics, Benjamini–Hochberg keeps the false discovery rate at or below q.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class ConflationSimulationTests(ITestOutputHelper output)
{
    private static readonly BucketAllocation HalfAndHalf = BucketAllocation.FromShares([new("holdout", 0.5), new("treated", 0.5)]);
    private static readonly BucketAllocation ThreeArms = BucketAllocation.FromShares([new("holdout", 0.1), new("vbo", 0.45), new("vbo_1p", 0.45)]);

    [Fact]
    public void Independent_salts_are_flagged_at_no_more_than_the_nominal_rate()
    {
        const int Seeds = 500;
        int flagged = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var overlap = PairOfCampaigns(new HoldoutAssigner("a", $"spring-{seed}", ThreeArms), new HoldoutAssigner("b", $"brand-{seed}", HalfAndHalf), 3_000);
            flagged += AssignmentDependence.Test(overlap.Table).Flagged ? 1 : 0;
        }

        double rate = flagged / (double)Seeds;
        output.WriteLine($"independent salts flagged in {flagged} of {Seeds} seeds ({rate:P1})");
        Assert.True(rate <= 0.01 + 3 * Math.Sqrt(0.01 * 0.99 / Seeds), $"rate {rate}");
    }

    [Fact]
    public void A_salt_reused_by_a_second_campaign_is_flagged_every_time()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            string salt = $"reused-{seed}";
            var overlap = PairOfCampaigns(new HoldoutAssigner("a", salt, ThreeArms), new HoldoutAssigner("b", salt, HalfAndHalf), 3_000);

            // Shared customers: ids 1,000–2,999 of the first campaign, 2,000 in all.
            Assert.Equal(2_000, overlap.Shared);
            Assert.True(AssignmentDependence.Test(overlap.Table).PValue < 1e-6, $"seed {seed}");
        }
    }

    [Fact]
    public void A_known_interaction_is_covered_by_its_interval_and_detected()
    {
        const int Seeds = 200;
        const double Delta = 0.5;
        int covered = 0, detected = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var rng = new Random(seed);
            var interaction = Simulate(rng, Delta, n: 2_000, sd: 2);
            var (lower, upper) = interaction.ConfidenceInterval();
            covered += lower <= Delta && Delta <= upper ? 1 : 0;
            detected += interaction.PValue < 0.01 ? 1 : 0;
        }

        // SE = √(4·4/2000) ≈ 0.089, so Δ/SE ≈ 5.6: power at 1% is essentially 1.
        output.WriteLine($"95% interval covered Δ in {covered} of {Seeds}; detected at 1% in {detected}");
        Assert.InRange(covered / (double)Seeds, 0.95 - 3 * Math.Sqrt(0.95 * 0.05 / Seeds), 1);
        Assert.True(detected >= Seeds - 2, $"detected {detected}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Benjamini_Hochberg_over_pairs_and_metrics_keeps_the_false_discovery_rate_at_q(int nonNull)
    {
        const int Replicates = 400, Pairs = 6, Metrics = 3;
        const double Q = 0.1;
        double fdpSum = 0;
        int discoveries = 0;
        var p = new double[Pairs * Metrics];
        for (int r = 0; r < Replicates; r++)
        {
            var rng = new Random(10_000 + r);
            for (int k = 0; k < p.Length; k++)
            {
                p[k] = Simulate(rng, k < nonNull ? 0.6 : 0, n: 200, sd: 1).PValue;
            }
            var adjusted = MultipleTesting.BenjaminiHochberg(p);
            int rejected = 0, falseRejected = 0;
            for (int k = 0; k < p.Length; k++)
            {
                bool reject = adjusted[k] < Q;
                rejected += reject ? 1 : 0;
                falseRejected += reject && k >= nonNull ? 1 : 0;
            }
            fdpSum += rejected == 0 ? 0 : falseRejected / (double)rejected;
            discoveries += rejected - falseRejected;
        }

        double fdr = fdpSum / Replicates;
        output.WriteLine($"FDR {fdr:F4} at q {Q}; true discoveries {discoveries} of {Replicates * nonNull}");
        // BH with independent tests: FDR = q·m0/m (0.1 with no true interaction, ≈ 0.078 with 4); the FDP lies in [0, 1], so its mean's MC error is ≤ 0.5/√R.
        Assert.True(fdr <= Q + 3 * 0.5 / Math.Sqrt(Replicates), $"FDR {fdr}");
        Assert.True(discoveries >= 0.5 * Replicates * nonNull, $"true discoveries {discoveries}");
    }

    [Fact]
    public void Campaigns_declared_mutually_exclusive_in_one_layer_share_no_customer()
    {
        var first = new HoldoutAssigner("a", "spring", ThreeArms, new AudienceLayer("q2", "layer-q2", 0, 5_000));
        var second = new HoldoutAssigner("b", "brand", HalfAndHalf, new AudienceLayer("q2", "layer-q2", 5_000, 10_000));
        var overlap = PairOfCampaigns(first, second, 30_000, dropOutOfLayer: true);

        Assert.True(overlap.FirstCustomers > 14_000 && overlap.SecondCustomers > 14_000, $"{overlap.FirstCustomers}, {overlap.SecondCustomers}");
        Assert.Equal(0, overlap.Shared);
    }

    private static HoldoutOverlap PairOfCampaigns(HoldoutAssigner first, HoldoutAssigner second, int customers, bool dropOutOfLayer = false)
    {
        // The first campaign runs on ids 0 … n−1, the second on ids n/3 … n/3 + n − 1.
        var firstIds = new string[customers];
        var firstArms = new int[customers];
        var secondIds = new string[customers];
        var secondArms = new int[customers];
        for (int i = 0; i < customers; i++)
        {
            firstIds[i] = "cust-" + i.ToString(CultureInfo.InvariantCulture);
            firstArms[i] = first.ArmOf(Encoding.UTF8.GetBytes(firstIds[i]));
            secondIds[i] = "cust-" + (i + customers / 3).ToString(CultureInfo.InvariantCulture);
            secondArms[i] = second.ArmOf(Encoding.UTF8.GetBytes(secondIds[i]));
        }
        if (dropOutOfLayer)
        {
            (firstIds, firstArms) = InLayer(firstIds, firstArms);
            (secondIds, secondArms) = InLayer(secondIds, secondArms);
        }
        return HoldoutOverlap.Of(firstIds, firstArms, first.Allocation.Arms.Count, secondIds, secondArms, second.Allocation.Arms.Count);
    }

    private static (string[] Ids, int[] Arms) InLayer(string[] ids, int[] arms)
    {
        // Arm −1: the layer puts the customer in another test, so they are not in this assignment.
        var keptIds = new List<string>();
        var keptArms = new List<int>();
        for (int i = 0; i < ids.Length; i++)
        {
            if (arms[i] >= 0)
            {
                keptIds.Add(ids[i]);
                keptArms.Add(arms[i]);
            }
        }
        return (keptIds.ToArray(), keptArms.ToArray());
    }

    private static Interaction Simulate(Random rng, double delta, int n, double sd)
    {
        // y = 1 + 0.3·T₁ + 0.2·T₂ + δ·T₁T₂ + ε: only δ survives the difference of differences.
        return Interaction.Estimate(Cell(rng, n, 1.5 + delta, sd), Cell(rng, n, 1.3, sd), Cell(rng, n, 1.2, sd), Cell(rng, n, 1, sd));
    }

    private static CellSummary Cell(Random rng, int n, double mean, double sd)
    {
        var y = new double[n];
        Normal.Samples(rng, y, mean, sd);
        return CellSummary.Of(y);
    }
}
