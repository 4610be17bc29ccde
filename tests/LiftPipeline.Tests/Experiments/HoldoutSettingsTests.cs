using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Tests.Experiments;

public sealed class HoldoutSettingsTests
{
    [Fact]
    public void Defaults_and_a_full_valid_setting_break_no_rule()
    {
        Assert.Empty(new HoldoutSettings().Validate());
        Assert.Empty(new HoldoutMeasureOptions
        {
            Settings = new HoldoutSettings
            {
                Allocation = new Dictionary<string, double> { ["holdout"] = 0.2, ["vbo"] = 0.4, ["vbo_1p"] = 0.4 },
                Contrasts = [new ArmContrast("vbo_1p", "vbo")], CapQuantile = 0.999, SequentialTuningN = 1,
                Spend = new Dictionary<string, double> { ["vbo"] = 0 },
            },
        }.Validate());
    }

    [Fact]
    public void Every_broken_rule_is_named_by_its_field_in_field_order()
    {
        var settings = new HoldoutSettings
        {
            Allocation = new Dictionary<string, double> { ["vbo"] = 1.5, ["vbo_1p"] = 0.5 },
            Contrasts = [new ArmContrast("vbo_1p", "vbo"), new ArmContrast("vbo", "vbo")],
            CapQuantile = 0.4, SequentialTuningN = 0,
            Spend = new Dictionary<string, double> { ["vbo"] = -1 },
        };

        var errors = new HoldoutMeasureOptions { Alpha = 0.5, Settings = settings }.Validate();

        Assert.Equal(["alpha", "allocation.vbo", "allocation", "contrasts[1]", "capQuantile", "sequentialTuningN", "spend.vbo"], errors.Select(e => e.Field));
        Assert.Equal("allocation: has no share for the control arm 'holdout'", errors[2].ToString());
        Assert.Equal(("contrasts", "[1]"), (errors[3].Setting, errors[3].Rest));
    }

    [Theory]
    [InlineData("holm", MultipleTestingAdjustment.Holm)]
    [InlineData("bh", MultipleTestingAdjustment.BenjaminiHochberg)]
    public void Adjustment_names_are_read_exactly(string name, MultipleTestingAdjustment expected)
    {
        Assert.Null(HoldoutSettings.TryParseAdjustment(name, out var adjustment));
        Assert.Equal(expected, adjustment);
        Assert.Equal("adjustment: is 'Holm'; expected one of holm, bh", HoldoutSettings.TryParseAdjustment("Holm", out _)!.ToString());
    }

    [Fact]
    public void An_allocation_is_checked_for_its_range_before_its_sum()
    {
        Assert.Equal(["allocation: shares sum to 0.9; planned shares must sum to 1"], ArmAllocation.Validate([new("a", 0.5), new("b", 0.4)]).Select(e => e.ToString()));
        Assert.Equal(["allocation.b: is 1; give a share strictly between 0 and 1"], ArmAllocation.Validate([new("a", 0.5), new("b", 1.0)]).Select(e => e.ToString()));
        Assert.Equal("allocation", Assert.Single(ArmAllocation.Validate([])).Field);
    }
}
