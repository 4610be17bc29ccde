using System.Text.Json;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Tests.Reports;

/// <summary>A design report planned for the always-valid interval says so and reads its calibration at the test level α′.</summary>
public sealed class DesignReportLevelTests
{
    private static DesignReport AlwaysValid()
    {
        var options = DesignReportSamples.Options with { AlwaysValid = true, Alpha = 0.05 };
        return DesignReport.Create("geo-plan", new DateTimeOffset(2026, 12, 4, 9, 30, 0, TimeSpan.Zero), "00112233445566778899aabbccddeeff",
            DesignReportSamples.Dataset, options, DesignReportSamples.Selection() with { Options = options });
    }

    [Fact]
    public void Design_json_options_carry_the_plan_and_the_level_each_test_rejects_at()
    {
        using var json = JsonDocument.Parse(DesignJson.ToJson(AlwaysValid()));
        var options = json.RootElement.GetProperty("options");

        Assert.False(options.GetProperty("fixedHorizon").GetBoolean());
        Assert.Equal(0.05, options.GetProperty("alpha").GetDouble());
        Assert.Equal(0.0024036906, options.GetProperty("testAlpha").GetDouble(), 9);
    }

    [Fact]
    public void Markdown_names_the_always_valid_plan_and_flags_calibration_against_the_test_level()
    {
        string md = DesignMarkdown.ToMarkdown(AlwaysValid());

        Assert.Contains("at power 0.9 (always-valid at alpha 0.05: each test at 0.0024)", md);
        Assert.Contains("share of historical windows whose test rejects at test level 0.0024", md);
        // A 10% false-positive rate is far over twice 0.0024.
        Assert.Contains("false-positive rate 10.0% at effect 0, over twice the test level: test not calibrated", md);
    }
}
