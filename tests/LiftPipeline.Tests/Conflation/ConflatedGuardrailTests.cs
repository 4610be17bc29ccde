using LiftPipeline.Statistics.Conflation;
using LiftPipeline.Statistics.Guardrails;
using MathNet.Numerics.Distributions;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Conflation;

/// <summary>
/// The conflated guardrail on simulated pairs of holdout tests with known truth: a known dependence and interaction are
/// found with the pair named and its shared customers counted; a pair of one layer sharing one customer breaches; an
/// independent pair without interaction breaches at about the rate its two levels allow.
/// </summary>
public sealed class ConflatedGuardrailTests(ITestOutputHelper output)
{
    private static readonly string[] Arms = ["holdout", "treat"];

    /// <summary>
    /// <paramref name="shared"/> customers in both tests: treated here with probability 0.8, there with 0.5 — or, with
    /// <paramref name="copy"/> &gt; 0, there in the same arm as here with that probability; two metrics with noise s.d. 2,
    /// the first carrying the interaction <paramref name="delta"/>.
    /// </summary>
    private static HoldoutPair Pair(string other, int seed, int shared, double copy, double delta, string? layer = null, long customers = 10_000)
    {
        var random = new Random(seed);
        var table = new long[2, 2];
        var y = new List<double>[2, 4];
        for (int m = 0; m < 2; m++)
        {
            for (int c = 0; c < 4; c++)
            {
                y[m, c] = [];
            }
        }
        for (int i = 0; i < shared; i++)
        {
            int a = random.NextDouble() < 0.8 ? 1 : 0;
            int b = copy > 0 ? (random.NextDouble() < copy ? a : 1 - a) : (random.NextDouble() < 0.5 ? 1 : 0);
            table[a, b]++;
            int cell = (a == 1 ? 0 : 2) + (b == 1 ? 0 : 1);
            y[0, cell].Add(10 + 0.5 * a + 0.5 * b + delta * a * b + Normal.Sample(random, 0, 2));
            y[1, cell].Add(3 + Normal.Sample(random, 0, 2));
        }
        var metrics = new InteractionCells[2];
        for (int m = 0; m < 2; m++)
        {
            metrics[m] = new InteractionCells(m == 0 ? "revenue" : "orders", CellSummary.Of(y[m, 0].ToArray()), CellSummary.Of(y[m, 1].ToArray()),
                CellSummary.Of(y[m, 2].ToArray()), CellSummary.Of(y[m, 3].ToArray()));
        }
        return new HoldoutPair(other, customers, 2 * shared, Arms, Arms, table, layer, metrics);
    }

    [Fact]
    public void A_known_dependence_and_interaction_are_found_and_an_independent_pair_beside_it_passes()
    {
        var result = ConflatedGuardrail.Check([Pair("creative", 1, 4_000, copy: 0.9, delta: 1.0), Pair("brand", 2, 3_000, copy: 0, delta: 0)], fdr: 0.05);

        Assert.Equal(GuardrailStatus.Breach, result.Status);
        Assert.Equal([ConflatedGuardrail.DependentFinding, ConflatedGuardrail.InteractionFinding], result.Findings);
        Assert.Equal((4_000.0, 0.4, 0.5, 3_000.0), (result.Evidence["creative.shared"], result.Evidence["creative.shareOfThis"], result.Evidence["creative.shareOfOther"], result.Evidence["brand.shared"]));
        Assert.True(result.Evidence["creative.dependencePValue"] < 1e-100);
        // SE ≈ 2·√(1/2,880 + 1/320 + 1/80 + 1/720) ≈ 0.27 for Δ = 1.
        Assert.InRange(result.Evidence["creative.interaction.revenue.delta"], 0.2, 1.8);
        Assert.True(result.Evidence["creative.interaction.revenue.pAdjusted"] < 0.05);
        Assert.True(result.Evidence["creative.interaction.orders.pAdjusted"] >= 0.05);
        Assert.StartsWith("Conflated test with creative: 4,000 shared customers (40% of this test, 50% of creative)", result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("brand", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tests_of_one_layer_breach_on_a_single_shared_customer_and_pass_with_none()
    {
        var one = new HoldoutPair("q3-other", 5_000, 5_000, Arms, Arms, new long[,] { { 0, 0 }, { 0, 1 } }, "q3", []);
        var none = one with { Table = new long[2, 2] };

        var breach = ConflatedGuardrail.Check([one], 0.05);
        var pass = ConflatedGuardrail.Check([none], 0.05);

        Assert.Equal((GuardrailStatus.Breach, 1.0), (breach.Status, breach.Evidence["q3-other.shared"]));
        Assert.Equal([ConflatedGuardrail.SameLayerFinding], breach.Findings);
        Assert.Equal((GuardrailStatus.Pass, 0.0), (pass.Status, pass.Evidence["q3-other.shared"]));
        Assert.Empty(pass.Findings);
    }

    [Fact]
    public void Cells_too_small_for_an_interaction_leave_it_out_without_failing()
    {
        var pair = Pair("tiny", 3, 6, copy: 0, delta: 0);

        var result = ConflatedGuardrail.Check([pair], 0.05);

        Assert.Equal(GuardrailStatus.Pass, result.Status);
        Assert.DoesNotContain(result.Evidence.Keys, k => k.Contains(".interaction.", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Category", "Simulation")]
    public void An_independent_pair_without_interaction_breaches_at_about_the_rate_its_levels_allow()
    {
        const int Seeds = 1_000;
        int breaches = 0, dependent = 0, interacting = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var result = ConflatedGuardrail.Check([Pair("other", 1_000 + seed, 2_000, copy: 0, delta: 0)], fdr: 0.01);
            breaches += result.Status == GuardrailStatus.Breach ? 1 : 0;
            dependent += result.Findings.Contains(ConflatedGuardrail.DependentFinding) ? 1 : 0;
            interacting += result.Findings.Contains(ConflatedGuardrail.InteractionFinding) ? 1 : 0;
        }

        double rate = breaches / (double)Seeds;
        output.WriteLine($"independent pairs: breach {breaches}/{Seeds} ({rate:P1}); dependent {dependent}, interaction {interacting}");
        // At most 1% (dependence) + 1% (BH at q = 0.01 over two null metrics: FDR = FWER under the global null) ≈ 2%, as the pipeline runs it.
        Assert.InRange(rate, 0.005, 0.02 + 3 * Math.Sqrt(0.02 * 0.98 / Seeds));
        Assert.InRange(dependent / (double)Seeds, 0, 0.01 + 3 * Math.Sqrt(0.01 * 0.99 / Seeds));
    }
}
