using LiftPipeline.Statistics.Conflation;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Tests.Conflation;

/// <summary>The geo pairs of the conflated guardrail: spill-over and markets treated by both breach; disjoint days or shared controls pass.</summary>
public sealed class GeoConflationTests
{
    private static readonly DateOnly April1 = new(2021, 4, 1);

    private static GeoTestWindow Test(string name, string[] treated, string[] control, DateOnly start, int days) =>
        new(name, treated, control, start, start.AddDays(days - 1));

    [Fact]
    public void Controls_treated_by_another_test_on_common_days_breach_with_each_market_named()
    {
        var geo = Test("geo", ["chicago", "portland"], ["atlanta", "boston", "denver"], April1, 15);
        var other = Test("brand", ["atlanta"], ["chicago", "miami"], April1.AddDays(10), 30);

        var result = GeoConflation.Check(geo, [other]);

        Assert.Equal(GuardrailStatus.Breach, result.Status);
        Assert.Equal([GeoConflation.SpillOverFinding], result.Findings);
        Assert.Equal(5, result.Evidence["brand.daysInCommon"]);   // 2021-04-11 … 2021-04-15
        Assert.Equal(2, result.Evidence["brand.sharedMarkets"]);  // atlanta, chicago
        Assert.Equal(1, result.Evidence["brand.controlsTreatedByOther"]);
        Assert.Equal(1, result.Evidence["brand.treatedControlsOfOther"]);
        Assert.Equal(0, result.Evidence["brand.treatedByBoth"]);
        Assert.Equal("Conflated geo test with brand (5 days in common, 2 markets in both): it treats atlanta, controls of this test; this test treats chicago, its controls. "
            + "Each estimate carries the other test's effect; do not read the lift until the tests use disjoint markets or days.", result.Message);
    }

    [Fact]
    public void A_market_treated_by_both_breaches_and_shared_controls_alone_pass()
    {
        var geo = Test("geo", ["chicago"], ["atlanta", "boston"], April1, 15);
        var both = Test("cells", ["chicago"], ["denver"], April1, 15);
        var controlsOnly = Test("quiet", ["miami"], ["atlanta", "boston"], April1, 15);

        var breach = GeoConflation.Check(geo, [both]);
        var pass = GeoConflation.Check(geo, [controlsOnly]);

        Assert.Equal(GuardrailStatus.Breach, breach.Status);
        Assert.Equal([GeoConflation.TreatedByBothFinding], breach.Findings);
        Assert.Equal(1, breach.Evidence["cells.treatedByBoth"]);
        Assert.Equal(GuardrailStatus.Pass, pass.Status);
        Assert.Equal(2, pass.Evidence["quiet.sharedMarkets"]);
        Assert.Equal("Not conflated with the other live geo tests: quiet: 15 days in common, 2 markets in both, no market treated by one and used by the other on common days.", pass.Message);
    }

    [Fact]
    public void Tests_whose_days_do_not_meet_pass_whatever_their_markets()
    {
        var geo = Test("geo", ["chicago"], ["atlanta"], April1, 15);
        var later = Test("later", ["atlanta"], ["chicago"], April1.AddDays(15), 10);

        var result = GeoConflation.Check(geo, [later]);

        Assert.Equal(GuardrailStatus.Pass, result.Status);
        Assert.Equal(0, result.Evidence["later.daysInCommon"]);
        Assert.Throws<ArgumentException>(() => GeoConflation.Check(geo, []));
    }
}
