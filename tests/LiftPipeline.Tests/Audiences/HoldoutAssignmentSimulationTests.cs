using System.Globalization;
using System.Text;
using LiftPipeline.Statistics.Audiences;
using LiftPipeline.Statistics.Experiments.Contrasts;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// Known truth for the assignment: over a million ids, each arm's share is within 3 standard errors of its plan and the
/// sample-ratio test does not reject; two tests of one layer never share a customer and split the layer as planned; an
/// independent salt puts customers in arms independently of another test's arms.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class HoldoutAssignmentSimulationTests(ITestOutputHelper output)
{
    private const int Customers = 1_000_000;

    [Fact]
    public void A_million_ids_split_as_planned()
    {
        var allocation = BucketAllocation.FromShares([new("holdout", 0.1), new("vbo", 0.45), new("vbo_1p", 0.45)]);
        var assigner = new HoldoutAssigner("everyone", "sim-2026", allocation);
        var counts = new long[3];
        Span<byte> id = stackalloc byte[32];
        for (int i = 0; i < Customers; i++)
        {
            counts[assigner.ArmOf(Id(i, id))]++;
        }

        var shares = allocation.Shares();
        var srm = SampleRatioMismatch.Test(counts, shares);
        output.WriteLine($"counts {string.Join(", ", counts)}; SRM chi2 {srm.ChiSquare:F2}, p {srm.PValue:F4}");
        for (int a = 0; a < 3; a++)
        {
            double se = Math.Sqrt(shares[a] * (1 - shares[a]) / Customers);
            Assert.True(Math.Abs(counts[a] / (double)Customers - shares[a]) < 3 * se, $"arm {a}: {counts[a]} of {Customers}");
        }
        Assert.True(srm.PValue > 0.001, $"SRM p = {srm.PValue}");
    }

    [Fact]
    public void Two_tests_of_one_layer_never_share_a_customer_and_split_the_layer_as_planned()
    {
        var allocation = BucketAllocation.FromShares([new("holdout", 0.2), new("treated", 0.8)]);
        var first = new HoldoutAssigner("bargain-hunters", "test-a", allocation, new AudienceLayer("q2", "layer-q2", 0, 3_000));
        var second = new HoldoutAssigner("young-adults", "test-b", allocation, new AudienceLayer("q2", "layer-q2", 3_000, 10_000));
        long inFirst = 0, inSecond = 0, inBoth = 0;
        var firstArms = new long[2];
        Span<byte> id = stackalloc byte[32];
        for (int i = 0; i < Customers; i++)
        {
            var bytes = Id(i, id);
            int a = first.ArmOf(bytes);
            int b = second.ArmOf(bytes);
            inFirst += a >= 0 ? 1 : 0;
            inSecond += b >= 0 ? 1 : 0;
            inBoth += a >= 0 && b >= 0 ? 1 : 0;
            if (a >= 0)
            {
                firstArms[a]++;
            }
        }

        output.WriteLine($"first {inFirst}, second {inSecond}, both {inBoth}; first's arms {string.Join(", ", firstArms)}");
        Assert.Equal(0, inBoth);
        Assert.Equal(Customers, inFirst + inSecond);
        Assert.True(first.Layer!.Overlaps(second.Layer!) is false);
        double se = Math.Sqrt(0.3 * 0.7 / Customers);
        Assert.True(Math.Abs(inFirst / (double)Customers - 0.3) < 3 * se, $"first takes {inFirst}");
        Assert.True(SampleRatioMismatch.Test(firstArms, allocation.Shares()).PValue > 0.001);
    }

    [Fact]
    public void Independent_salts_give_independent_arms()
    {
        var allocation = BucketAllocation.FromShares([new("holdout", 0.5), new("treated", 0.5)]);
        var first = new HoldoutAssigner("a", "salt-one", allocation);
        var second = new HoldoutAssigner("b", "salt-two", allocation);
        var table = new long[4];
        Span<byte> id = stackalloc byte[32];
        for (int i = 0; i < Customers; i++)
        {
            var bytes = Id(i, id);
            table[first.ArmOf(bytes) * 2 + second.ArmOf(bytes)]++;
        }

        // The 2 x 2 table of arms against arms: a uniform split over four cells when the salts are independent.
        var srm = SampleRatioMismatch.Test(table, [0.25, 0.25, 0.25, 0.25]);
        output.WriteLine($"arm x arm {string.Join(", ", table)}; chi2 {srm.ChiSquare:F2}, p {srm.PValue:F4}");
        Assert.True(srm.PValue > 0.001);
    }

    private static ReadOnlySpan<byte> Id(int i, Span<byte> buffer)
    {
        int length = Encoding.UTF8.GetBytes(("cust-" + i.ToString(CultureInfo.InvariantCulture)).AsSpan(), buffer);
        return buffer[..length];
    }
}
