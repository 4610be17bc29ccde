using System.Text.Json;
using LiftPipeline.Tests.Experiments;

namespace LiftPipeline.Tests.Cli;

/// <summary><c>--allocation</c> is one option with one parser and one set of rules in <c>lift measure</c> and <c>lift power</c>.</summary>
public sealed class AllocationOptionTests : IDisposable
{
    private const string Allocation = "holdout=0.2,vbo=0.4,vbo_1p=0.4";
    private readonly TempDirectory _dir = TestData.TempDirectory();
    private readonly string _export;

    public AllocationOptionTests()
    {
        _export = Path.Combine(_dir.FullName, "holdout.parquet");
        ExperimentExportKit.Write(_export, ExperimentExportKit.Rows(3_000), 3_000);
    }

    public void Dispose() => _dir.Dispose();

    private Task<(int ExitCode, string Output, string Error)> Measure(string allocation) =>
        CliRunner.RunAsync("measure", _export, "--design", "holdout", "--metric", "revenue", "--allocation", allocation, "--json");

    private static Task<(int ExitCode, string Output, string Error)> Power(string allocation) =>
        CliRunner.RunAsync("power", "--baseline-mean", "10", "--sd", "20", "--relative-mde", "0.05", "--allocation", allocation, "--json");

    [Fact]
    public async Task Both_commands_accept_arm_equals_share()
    {
        var measured = await Measure(Allocation);
        var planned = await Power(Allocation);

        Assert.True(measured.ExitCode == 0, measured.Error);
        Assert.True(planned.ExitCode == 0, planned.Error);
        using var plan = JsonDocument.Parse(planned.Output);
        var sizes = plan.RootElement.GetProperty("armSizes").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        Assert.Equal(3, sizes.Length);   // two treatment arms, read from the allocation
        Assert.Equal(2 * sizes[0], sizes[1], 1.0);
    }

    [Theory]
    [InlineData("holdout=0.2,vbo=0.4,vbo_1p=0.5", "--allocation: shares sum to 1.1; planned shares must sum to 1")]
    [InlineData("holdout=0.2,vbo=1.2,vbo_1p=-0.4", "--allocation vbo: is 1.2; give a share strictly between 0 and 1; --allocation vbo_1p: is -0.4; give a share strictly between 0 and 1")]
    [InlineData("holdout=0.2,vbo,vbo_1p=0.4", "--allocation 'vbo' is not arm=share; give every arm as arm=share, comma separated (e.g. holdout=0.2,vbo=0.4,vbo_1p=0.4).")]
    [InlineData("holdout=0.2,vbo=x", "--allocation 'vbo=x' is not arm=share; give every arm as arm=share, comma separated (e.g. holdout=0.2,vbo=0.4,vbo_1p=0.4).")]
    [InlineData("holdout=0.5,holdout=0.5", "--allocation names arm 'holdout' twice; give each arm one share.")]
    public async Task Bad_input_gives_the_same_one_line_message_and_exit_code_2_from_both(string allocation, string message)
    {
        var measured = await Measure(allocation);
        var planned = await Power(allocation);

        Assert.Equal((2, 2), (measured.ExitCode, planned.ExitCode));
        Assert.Equal(message + "\n", measured.Error);
        Assert.Equal(measured.Error, planned.Error);
    }

    [Fact]
    public async Task Power_keeps_bare_shares_control_first_and_measure_asks_for_names()
    {
        var planned = await CliRunner.RunAsync("power", "--baseline-mean", "10", "--sd", "20", "--relative-mde", "0.05", "--arms", "2", "--allocation", "0.2,0.4,0.4", "--json");
        var measured = await Measure("0.2,0.4,0.4");

        Assert.True(planned.ExitCode == 0, planned.Error);
        Assert.Equal(2, measured.ExitCode);
        Assert.StartsWith("--allocation '0.2' is not arm=share", measured.Error, StringComparison.Ordinal);
    }
}
