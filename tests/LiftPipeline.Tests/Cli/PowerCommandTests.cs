using System.Text.Json;

namespace LiftPipeline.Tests.Cli;

public sealed class PowerCommandTests
{
    [Fact]
    public async Task Power_json_gives_arm_sizes_total_and_days_for_a_relative_mde()
    {
        var (code, output, _) = await CliRunner.RunAsync(
            "power", "--design", "holdout", "--baseline-mean", "20", "--sd", "40", "--relative-mde", "0.05", "--daily-traffic", "10000", "--fixed-horizon", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(["nPerArm", "totalN", "days", "mdeAbsolute", "mdeRelative", "armSizes", "interval"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("fixed-horizon", root.GetProperty("interval").GetString());
        Assert.Equal(25117L, root.GetProperty("nPerArm").GetInt64()); // 2·2.8015852²·1600 = 25116.6
        Assert.Equal([25117L, 25117L], root.GetProperty("armSizes").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(50234, root.GetProperty("totalN").GetInt64());
        Assert.Equal(6, root.GetProperty("days").GetInt64());
        Assert.Equal(1.0, root.GetProperty("mdeAbsolute").GetDouble(), 4);
        Assert.Equal(0.05, root.GetProperty("mdeRelative").GetDouble(), 5);
    }

    [Fact]
    public async Task Power_with_n_per_arm_solves_for_the_mde_and_leaves_days_null_without_traffic()
    {
        var (code, output, _) = await CliRunner.RunAsync("power", "--baseline-mean", "10", "--sd", "1", "--n-per-arm", "22", "--power", "0.9", "--fixed-horizon", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        // δ = (1.959964 + 1.281552)·√(2/22) = 0.977354.
        Assert.Equal(0.977354, root.GetProperty("mdeAbsolute").GetDouble(), 5);
        Assert.Equal(0.0977354, root.GetProperty("mdeRelative").GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("days").ValueKind);
        Assert.Equal(44, root.GetProperty("totalN").GetInt64());
    }

    [Fact]
    public async Task Power_with_two_treatment_arms_unequal_allocation_and_cuped_uses_alpha_over_two()
    {
        var (code, output, _) = await CliRunner.RunAsync(
            "power", "--baseline-mean", "1", "--sd", "1", "--relative-mde", "0.1", "--arms", "2", "--allocation", "0.5,0.25,0.25", "--cuped-r2", "0.5", "--fixed-horizon", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        // N = 6·(z_0.9875 + z_0.8)²·(1 − 0.5)/0.01 = 300·3.0830239² = 2851.5; control N/2, treatments N/4.
        Assert.Equal([1426L, 713L, 713L], json.RootElement.GetProperty("armSizes").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(1426L, json.RootElement.GetProperty("nPerArm").GetInt64());
    }

    [Fact]
    public async Task Power_table_lists_mde_arm_sizes_total_and_days()
    {
        var (code, output, _) = await CliRunner.RunAsync("power", "--baseline-mean", "20", "--sd", "40", "--relative-mde", "0.05", "--daily-traffic", "10000", "--fixed-horizon");

        Assert.Equal(0, code);
        Assert.Contains("25,117", output);
        Assert.Contains("50,234", output);
        Assert.Contains("5.00 %", output);
        Assert.Matches(@"days\s+│\s+6 │", output);
    }

    [Fact]
    public async Task Power_needs_exactly_one_of_relative_mde_and_n_per_arm()
    {
        var (code, _, error) = await CliRunner.RunAsync("power", "--baseline-mean", "1", "--sd", "1");

        Assert.Equal(2, code);
        Assert.Contains("--relative-mde", error);
    }

    [Fact]
    public async Task Power_help_describes_every_option_with_its_default()
    {
        var (code, output, _) = await CliRunner.RunAsync("power", "--help");

        Assert.Equal(0, code);
        foreach (var option in new[] { "--design", "--baseline-mean", "--sd", "--relative-mde", "--n-per-arm", "--alpha", "--power", "--arms", "--allocation", "--cuped-r2", "--variance-inflation", "--daily-traffic", "--json" })
        {
            Assert.Contains(option, output);
        }
        Assert.Contains("[default: 0.05]", output);
        Assert.Contains("[default: 0.8]", output);
        Assert.Contains("[default: holdout]", output);
    }

    [Fact]
    public async Task Power_plans_for_the_always_valid_interval_by_default()
    {
        var (code, output, _) = await CliRunner.RunAsync("power", "--baseline-mean", "20", "--sd", "40", "--relative-mde", "0.05", "--json");

        Assert.Equal(0, code);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var expected = LiftPipeline.Statistics.Experiments.Power.PowerAnalysis.SampleSizeForRelativeLift(20, 40, 0.05, new() { AlwaysValid = true });
        Assert.Equal("always-valid", json.RootElement.GetProperty("interval").GetString());
        Assert.Equal(expected.ArmSizes.Max(), json.RootElement.GetProperty("nPerArm").GetInt64());
        // m(1, 0.05) = 3.03 instead of z = 1.96: ((3.03 + 0.84) / (1.96 + 0.84))² ≈ 1.92 times the fixed-horizon 25,117 per arm.
        Assert.InRange(json.RootElement.GetProperty("nPerArm").GetInt64(), 47_000, 49_000);
    }
}
