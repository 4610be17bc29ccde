using LiftPipeline.Pipeline.Evidence;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Evidence;

/// <summary>
/// Coverage of the pooled interval on the evidence page: K = 5 simulated holdouts per replication, each with a true log
/// lift of vbo_1p over vbo drawn from N(μ = 0.06, τ = 0.03), measured by HoldoutMeasurer and pooled from their
/// contributions (REML, modified Hartung–Knapp). The interval should cover μ about 95% of the time.
/// </summary>
public sealed class EvidenceCoverageTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Simulation")]
    public void The_pooled_interval_of_simulated_campaigns_covers_the_known_common_lift_about_95_percent_of_the_time()
    {
        const int replications = 300;
        int covered = 0;
        double sumEstimate = 0;
        for (int r = 0; r < replications; r++)
        {
            var summary = EvidencePooling.Summarize(EvidencePoolingTests.Campaigns(5, 100 + r, customers: 3_000, cells: false));
            var pooled = summary.Contrasts[0].Result;
            covered += pooled.Lower <= 0.06 && 0.06 <= pooled.Upper ? 1 : 0;
            sumEstimate += pooled.Estimate;
        }
        double coverage = (double)covered / replications;
        output.WriteLine($"coverage {coverage:F3}, mean pooled log lift {sumEstimate / replications:F4}");
        // ± 2.5 Monte Carlo SEs around 0.95 (SE √(0.95·0.05/300) = 0.0126), a little wider above: the modified HKSJ interval is conservative.
        Assert.InRange(coverage, 0.915, 0.99);
        Assert.InRange(sumEstimate / replications, 0.055, 0.065);
    }
}
