using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Tests.Design;

/// <summary>Options that do not fit the data fail before any simulation, with one line naming the option and value.</summary>
public sealed class GeoMarketSelectionValidationTests
{
    private static readonly GeoDesignOptions Small = DesignPanels.Walkthrough with { Sizes = [2], TreatmentPeriods = [10], EffectSizes = [0, 0.1], Permutations = 10, CalibrationWindows = 0 };

    public static TheoryData<GeoDesignOptions, string> Invalid => new()
    {
        { Small with { Include = ["Chicago", "Atlantis"] }, "include names 'Atlantis', which is not one of the panel's 40 markets." },
        { Small with { Exclude = ["Gotham"] }, "exclude names 'Gotham', which is not one of the panel's 40 markets." },
        { Small with { Include = ["chicago"], Exclude = ["CHICAGO"] }, "Market 'chicago' is in both include and exclude." },
        { Small with { Include = ["chicago", "portland", "houston"] }, "sizes has 2, which cannot hold the 3 markets of include; give sizes of at least 3." },
        { Small with { Sizes = [40] }, "sizes has 40, more than the 39 markets that can be tested (the rest must stay as donors); give sizes up to 39." },
        { Small with { TreatmentPeriods = [89] }, "treatmentPeriods 89 with lookback 1 leaves 1 pre-test periods of the history's 90; at least 2 are needed: shorten treatmentPeriods or lookback." },
        { Small with { TreatmentPeriods = [80], Lookback = 10 }, "treatmentPeriods 80 with lookback 10 leaves 1 pre-test periods of the history's 90" },
        { Small with { TreatmentPeriods = [0] }, "treatmentPeriods has 0; give durations of at least 1 period." },
        { Small with { Alpha = 1 }, "alpha is 1; give a significance level strictly between 0 and 1, such as 0.05." },
        { Small with { Power = 0 }, "power is 0; give a power strictly between 0 and 1, such as 0.8." },
        { Small with { Permutations = 0 }, "permutations is 0; give at least 1 (GeoLift uses 1000)." },
        { Small with { EffectSizes = [] }, "effectSizes lists no effect; give at least one, such as 0,0.05,0.1." },
        { Small with { EffectSizes = [0, -1] }, "effectSizes has -1; give finite effects above −1 (a lift of −100% or less is impossible)." },
        { Small with { Cpic = -2 }, "cpic is -2; give a cost per incremental conversion of 0 or more." },
        { Small with { Lookback = 0 }, "lookback is 0; give at least 1 window." },
        { Small with { Cells = 2 }, "(cells 2)" },
        { Small with { HoldoutRange = (0.6, 0.4) }, "holdoutRange is 0.6,0.4; give two shares 0 ≤ min < max ≤ 1, such as 0.7,0.95." },
        { Small with { Controls = ["nowhere"] }, "controls names 'nowhere', which is not one of the panel's 40 markets." },
        { Small with { AlwaysValid = true, Alpha = 0.05 }, "permutations 10 cannot reach the always-valid test level 0.00240369 (alpha 0.05): the smallest p-value is 1/11; give permutations 416 or more, or plan a fixed-horizon test (fixedHorizon)." },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_options_are_rejected_with_a_one_line_message_naming_them(GeoDesignOptions options, string expected)
    {
        var error = Assert.Throws<GeoDesignOptionException>(() => GeoMarketSelection.Select(DesignPanels.PreTest, options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Market_names_match_case_insensitively_and_report_as_given()
    {
        var selection = GeoMarketSelection.Select(DesignPanels.PreTest, Small with { Include = ["CHICAGO"], Exclude = ["Honolulu"] });

        Assert.All(selection.Curves, c => Assert.Contains("chicago", c.Locations));
    }

    [Fact]
    public void Power_analysis_rejects_a_test_market_that_is_also_a_control()
    {
        var error = Assert.Throws<GeoDesignOptionException>(() =>
            GeoPowerAnalysis.Curve(DesignPanels.PreTest, ["chicago", "portland"], Small with { Controls = ["Portland", "houston"] }));

        Assert.Equal("Market 'portland' is in both locations and controls.", error.Message);
        Assert.Equal("Market 'portland' is in both --locations and --controls.", error.Format(name => "--" + name.ToLowerInvariant()));
        Assert.Throws<GeoDesignOptionException>(() => GeoPowerAnalysis.Curve(DesignPanels.PreTest, ["chicago", "gotham"], Small));
        Assert.Throws<GeoDesignOptionException>(() => GeoPowerAnalysis.Curve(DesignPanels.PreTest, [], Small));
    }
}
