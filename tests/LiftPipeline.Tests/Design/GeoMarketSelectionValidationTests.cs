using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Tests.Design;

/// <summary>Options that do not fit the data fail before any simulation, with one line naming the option and value.</summary>
public sealed class GeoMarketSelectionValidationTests
{
    private static readonly GeoDesignOptions Small = DesignPanels.Walkthrough with { Sizes = [2], TreatmentPeriods = [10], EffectSizes = [0, 0.1], Permutations = 10, CalibrationWindows = 0 };

    public static TheoryData<GeoDesignOptions, string> Invalid => new()
    {
        { Small with { Include = ["Chicago", "Atlantis"] }, "Unknown include market 'Atlantis'" },
        { Small with { Exclude = ["Gotham"] }, "Unknown exclude market 'Gotham'" },
        { Small with { Include = ["chicago"], Exclude = ["CHICAGO"] }, "'chicago' is both included and excluded" },
        { Small with { Include = ["chicago", "portland", "houston"] }, "Size 2 cannot hold the 3 included markets" },
        { Small with { Sizes = [40] }, "Size 40 is larger than the 39 markets that can be tested" },
        { Small with { TreatmentPeriods = [89] }, "Treatment periods 89 with lookback 1 leave 1 pre-test periods of 90" },
        { Small with { TreatmentPeriods = [80], Lookback = 10 }, "Treatment periods 80 with lookback 10 leave 1 pre-test periods" },
        { Small with { TreatmentPeriods = [0] }, "Treatment periods must be at least 1 (got 0)" },
        { Small with { Alpha = 1 }, "Alpha must be between 0 and 1 (got 1)" },
        { Small with { Power = 0 }, "Power must be between 0 and 1 (got 0)" },
        { Small with { Permutations = 0 }, "Permutations must be at least 1 (got 0)" },
        { Small with { EffectSizes = [] }, "Effect sizes must list at least one" },
        { Small with { EffectSizes = [0, -1] }, "above −1" },
        { Small with { Cpic = -2 }, "Cpic (cost per incremental conversion) must be 0 or more (got -2)" },
        { Small with { Lookback = 0 }, "Lookback must be at least 1 window (got 0)" },
        { Small with { Cells = 2 }, "Cells = 2" },
        { Small with { HoldoutRange = (0.6, 0.4) }, "Holdout range must be two shares" },
        { Small with { Controls = ["nowhere"] }, "Unknown control market 'nowhere'" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_options_are_rejected_with_a_one_line_message_naming_them(GeoDesignOptions options, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => GeoMarketSelection.Select(DesignPanels.PreTest, options));

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
        var error = Assert.Throws<ArgumentException>(() =>
            GeoPowerAnalysis.Curve(DesignPanels.PreTest, ["chicago", "portland"], Small with { Controls = ["Portland", "houston"] }));

        Assert.Equal("Market 'portland' is both a test and a control market.", error.Message);
        Assert.Throws<ArgumentException>(() => GeoPowerAnalysis.Curve(DesignPanels.PreTest, ["chicago", "gotham"], Small));
        Assert.Throws<ArgumentException>(() => GeoPowerAnalysis.Curve(DesignPanels.PreTest, [], Small));
    }
}
