using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Tests.Ingestion;

namespace LiftPipeline.Tests.Cli;

/// <summary>
/// <c>lift inspect</c> and <c>lift measure</c> hold a panel to one check: a pre-test panel is valid for design only, a
/// panel treated after one pre-period is refused by both with the same sentence, and a switchback is refused without
/// pointing at a setting no one can reach.
/// </summary>
public sealed class PanelReadinessTests : IDisposable
{
    private readonly TempDirectory _dir = TestData.TempDirectory();

    public void Dispose() => _dir.Dispose();

    /// <summary>Units a (treated from <paramref name="start"/>, 0-based; never when negative, off again from <paramref name="stop"/>), b and c over 4 periods.</summary>
    private async Task<string> PanelAsync(string name, int start, int stop = int.MaxValue)
    {
        var rows = new StringBuilder("[");
        foreach (var unit in new[] { "a", "b", "c" })
        {
            for (int p = 0; p < 4; p++)
            {
                bool treated = unit == "a" && start >= 0 && p >= start && p < stop;
                rows.Append(rows.Length > 1 ? "," : "").Append($"[\"{unit}\", {p + 1}, {(treated ? "true" : "false")}, {10 + p + (unit == "b" ? 1 : 0)}.0]");
            }
        }
        rows.Append(']');
        using var columns = JsonDocument.Parse("""[{"name": "unit", "type": "string"}, {"name": "period", "type": "int64"}, {"name": "treated", "type": "bool"}, {"name": "sales", "type": "double"}]""");
        using var data = JsonDocument.Parse(rows.ToString());
        string path = _dir.File(name + ".parquet");
        await ExportCaseWriter.WriteAsync(path, columns.RootElement, data.RootElement);
        return path;
    }

    [Fact]
    public async Task A_pre_test_panel_is_valid_for_design_and_measure_says_why_it_cannot_measure_it()
    {
        string path = await PanelAsync("pretest", start: -1);

        var table = await CliRunner.RunAsync("inspect", path);
        var json = await CliRunner.RunAsync("inspect", path, "--json");
        var measured = await CliRunner.RunAsync("measure", path, "--estimator", "did", "--se", "none");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("valid for design (no treated cells yet)", table.Output, StringComparison.Ordinal);
        using var inspection = JsonDocument.Parse(json.Output);
        Assert.True(inspection.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal("design", inspection.RootElement.GetProperty("validFor").GetString());
        Assert.Equal(1, measured.ExitCode);
        Assert.Equal("pretest.parquet: no treated cells yet: a pre-test panel is valid for design (lift design, lift power) but has nothing to measure; export the test periods" + Environment.NewLine, measured.Error);
    }

    [Fact]
    public async Task One_pre_period_is_refused_by_inspect_and_measure_with_the_same_sentence()
    {
        string path = await PanelAsync("one-pre", start: 1);
        const string Problem = "treatment starts in 2 after only 1 pre-treatment period; a measurement needs at least 2 to fit the counterfactual and its noise: export earlier periods";

        var inspected = await CliRunner.RunAsync("inspect", path, "--json");
        var measured = await CliRunner.RunAsync("measure", path, "--estimator", "did", "--se", "none");

        Assert.Equal(1, inspected.ExitCode);
        using var inspection = JsonDocument.Parse(inspected.Output);
        var error = Assert.Single(inspection.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal("too-few-pre-periods", error.GetProperty("code").GetString());
        Assert.Equal(Problem, error.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, inspection.RootElement.GetProperty("validFor").ValueKind);
        Assert.Equal(1, measured.ExitCode);
        Assert.Equal($"one-pre.parquet: {Problem}{Environment.NewLine}", measured.Error);
    }

    [Fact]
    public async Task Two_pre_periods_are_valid_for_measurement_in_both()
    {
        string path = await PanelAsync("two-pre", start: 2);

        var inspected = await CliRunner.RunAsync("inspect", path, "--json");
        var measured = await CliRunner.RunAsync("measure", path, "--estimator", "did", "--se", "none", "--json");

        Assert.Equal(0, inspected.ExitCode);
        using var inspection = JsonDocument.Parse(inspected.Output);
        Assert.Equal("measurement", inspection.RootElement.GetProperty("validFor").GetString());
        Assert.True(measured.ExitCode == 0, measured.Error);
        using var result = JsonDocument.Parse(measured.Output);
        // a and c move together, b sits 1 above: no effect.
        Assert.Equal(0, result.RootElement.GetProperty("estimates")[0].GetProperty("att").GetDouble(), 12);
    }

    [Fact]
    public async Task A_switchback_is_refused_by_the_cli_without_suggesting_an_unreachable_setting()
    {
        string path = await PanelAsync("switchback", start: 2, stop: 3);

        var (code, _, error) = await CliRunner.RunAsync("measure", path, "--estimator", "did", "--se", "none");

        Assert.Equal(1, code);
        Assert.Contains("[treatment-switches-off]", error, StringComparison.Ordinal);
        Assert.Contains("once its treatment starts (switchback designs are not supported): drop the periods after the test ends", error, StringComparison.Ordinal);
        Assert.DoesNotContain("allow reversals", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Campaign_json_has_no_treatment_reversal_setting_to_point_at()
    {
        var error = Assert.Throws<CampaignConfigException>(() => CampaignConfig.Parse("geo", Encoding.UTF8.GetBytes(
            """{"id": "geo", "name": "Geo", "design": "panel", "metrics": ["sales"], "allowTreatmentReversal": true}""")));

        Assert.Contains("allowTreatmentReversal", error.Message, StringComparison.Ordinal);
    }
}
