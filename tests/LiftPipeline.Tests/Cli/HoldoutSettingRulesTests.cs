using System.Text;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Tests.Cli;

/// <summary>A holdout setting breaks the same rule, in the same words, in campaign.json (at its path) and on the command line (at its option).</summary>
public sealed class HoldoutSettingRulesTests
{
    private static string CampaignError(string holdout)
    {
        var json = """{"id": "vbo-test", "name": "VBO", "design": "holdout", "metrics": ["revenue"], "holdout": {""" + holdout + "}}";
        return Assert.Throws<CampaignConfigException>(() => CampaignConfig.Parse("vbo-test", Encoding.UTF8.GetBytes(json))).Message;
    }

    public static TheoryData<string, string[], string, string, HoldoutSettings> Cases => new()
    {
        { "\"capQuantile\": 1.5", ["--cap-quantile", "1.5"], "holdout.capQuantile", "--cap-quantile", new HoldoutSettings { CapQuantile = 1.5 } },
        { "\"sequentialTuningN\": 0", ["--tuning-n", "0"], "holdout.sequentialTuningN", "--tuning-n", new HoldoutSettings { SequentialTuningN = 0 } },
        { "\"contrasts\": [{\"treatment\": \"vbo\", \"control\": \"vbo\"}]", ["--contrast", "vbo:vbo"], "holdout.contrasts[0]", "--contrast #1", new HoldoutSettings { Contrasts = [new ArmContrast("vbo", "vbo")] } },
        { "\"allocation\": {\"holdout\": 0.5, \"vbo\": 0.6}", ["--allocation", "holdout=0.5,vbo=0.6"], "holdout.allocation", "--allocation", new HoldoutSettings { Allocation = new Dictionary<string, double> { ["holdout"] = 0.5, ["vbo"] = 0.6 } } },
        { "\"allocation\": {\"vbo\": 0.5, \"vbo_1p\": 0.5}", ["--allocation", "vbo=0.5,vbo_1p=0.5"], "holdout.allocation", "--allocation", new HoldoutSettings { Allocation = new Dictionary<string, double> { ["vbo"] = 0.5, ["vbo_1p"] = 0.5 } } },
        { "\"primaryContrast\": \"vbo:vbo\"", ["--primary-contrast", "vbo:vbo"], "holdout.primaryContrast", "--primary-contrast", new HoldoutSettings { PrimaryContrast = new ArmContrast("vbo", "vbo") } },
        { "\"adjustment\": \"bonferroni\"", ["--adjustment", "bonferroni"], "holdout.adjustment", "--adjustment", new HoldoutSettings() },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_same_bad_setting_gives_the_same_rule_from_campaign_json_and_the_cli(string holdout, string[] options, string path, string option, HoldoutSettings settings)
    {
        string rule = path.EndsWith("adjustment", StringComparison.Ordinal)
            ? HoldoutSettings.TryParseAdjustment("bonferroni", out _)!.Message
            : Assert.Single(settings.Validate()).Message;

        string fromCampaign = CampaignError(holdout);
        var (code, _, error) = await CliRunner.RunAsync(["measure", TestData.Panel("GeoLift_Test.parquet"), "--design", "holdout", .. options]);

        Assert.Contains($"{path}: {rule}", fromCampaign, StringComparison.Ordinal);
        Assert.Equal(2, code);
        Assert.Equal($"{option}: {rule}", error.TrimEnd('\n'));
    }

    [Fact]
    public async Task A_primary_contrast_that_is_not_treatment_colon_control_is_the_same_usage_error_in_both_places()
    {
        string rule = HoldoutSettings.TryParseContrast("vbo_1p", out var contrast)!.Message;

        string fromCampaign = CampaignError("\"primaryContrast\": \"vbo_1p\"");
        var (code, _, error) = await CliRunner.RunAsync(["measure", TestData.Panel("GeoLift_Test.parquet"), "--design", "holdout", "--primary-contrast", "vbo_1p"]);

        Assert.Null(contrast);
        Assert.Equal("is 'vbo_1p'; write treatment:control with two arm names, such as vbo_1p:vbo", rule);
        Assert.Contains($"holdout.primaryContrast: {rule}", fromCampaign, StringComparison.Ordinal);
        Assert.Equal(2, code);
        Assert.Equal($"--primary-contrast: {rule}", error.TrimEnd('\n'));
    }
}
