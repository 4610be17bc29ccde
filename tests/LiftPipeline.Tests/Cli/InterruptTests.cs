using System.Text.Json;
using LiftPipeline.Cli;
using LiftPipeline.Cli.Hosting;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Cli;

/// <summary>
/// Ctrl+C cancels the token handed to <see cref="LiftApp"/>: a command whose work is cut short prints one line naming it
/// on standard error and exits 130; <c>lift watch</c>, which runs until stopped, exits 0 after its "stopped" line.
/// </summary>
public sealed class InterruptTests
{
    private static string PreTest => TestData.Panel("GeoLift_PreTest.parquet");

    [Fact]
    public async Task Ctrl_c_during_a_long_design_stops_it_with_one_line_and_exit_code_130()
    {
        using var stop = new CancellationTokenSource();
        // Every size, 20 windows, 8 effects: many seconds of simulations, so the cancel lands while they run (or before).
        // The timer starts first: the command may run synchronously to its end before returning a task.
        stop.CancelAfter(TimeSpan.FromMilliseconds(200));
        var (code, output, error) = await CliRunner.RunAsync(CliHost.System, stop.Token, "design", PreTest, "--lookback", "20", "--effect-sizes", "0,0.01,0.02,0.03,0.05,0.1,0.15,0.2");

        Assert.Equal(LiftApp.Interrupted, code);
        Assert.Equal("lift design stopped (Ctrl+C) before it finished." + Environment.NewLine, error);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("measure", "--estimator", "sdid")]
    [InlineData("power", "--locations", "chicago,portland")]
    [InlineData("design", "--sizes", "2")]
    [InlineData("inspect")]
    public async Task Ctrl_c_stops_every_command_that_reads_an_export_with_exit_code_130(string command, params string[] options)
    {
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        string file = command == "measure" ? TestData.Panel("california_prop99.parquet") : PreTest;

        var (code, _, error) = await CliRunner.RunAsync(CliHost.System, stop.Token, [command, file, .. options]);

        Assert.Equal(LiftApp.Interrupted, code);
        Assert.Equal($"lift {command} stopped (Ctrl+C) before it finished." + Environment.NewLine, error);
    }

    [Fact]
    public async Task Ctrl_c_stops_a_run_over_a_store_with_exit_code_130()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        LocalStoreKit.DropPanel(dir.FullName);
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        var (code, _, error) = await CliRunner.RunAsync(CliHost.System, stop.Token, "run", "--store", dir.FullName);

        Assert.Equal(LiftApp.Interrupted, code);
        Assert.EndsWith("lift run stopped (Ctrl+C) before it finished." + Environment.NewLine, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_c_stops_the_demo_with_exit_code_130()
    {
        using var dir = TestData.TempDirectory();
        var samples = Path.Combine(Path.GetDirectoryName(TestData.Path())!, "..", "samples");
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        var (code, _, error) = await CliRunner.RunAsync(CliHost.System, stop.Token, "demo", "--dir", Path.Combine(dir.FullName, "demo"), "--samples", samples);

        Assert.Equal(LiftApp.Interrupted, code);
        Assert.EndsWith("lift demo stopped (Ctrl+C) before it finished." + Environment.NewLine, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_c_on_a_json_command_prints_an_interrupted_error_object()
    {
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        var (code, output, _) = await CliRunner.RunAsync(CliHost.System, stop.Token, "power", PreTest, "--locations", "chicago,portland", "--json");

        Assert.Equal(LiftApp.Interrupted, code);
        using var json = JsonDocument.Parse(output);
        var problem = json.RootElement.GetProperty("error");
        Assert.Equal(130, problem.GetProperty("exitCode").GetInt32());
        Assert.Equal("interrupted", problem.GetProperty("kind").GetString());
        Assert.Equal("lift power stopped (Ctrl+C) before it finished.", problem.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Ctrl_c_ends_a_watch_with_exit_code_0_and_its_own_stopped_line_only()
    {
        using var dir = TestData.TempDirectory();
        using var stop = new CancellationTokenSource();
        var host = new CliHost
        {
            Clock = new ManualClock(new DateTimeOffset(2021, 6, 1, 1, 0, 0, TimeSpan.Zero)),
            Delay = (_, cancellationToken) =>
            {
                stop.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
                return Task.CompletedTask;
            },
        };

        var (code, output, error) = await CliRunner.RunAsync(host, stop.Token, "watch", "--store", dir.FullName, "--poll", "1m");

        Assert.Equal(LiftApp.Ok, code);
        Assert.EndsWith("stopped" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.DoesNotContain("stopped", error, StringComparison.Ordinal);
    }
}
