using LiftPipeline.Cli.Hosting;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Cli;

public sealed class WatchCommandTests
{
    [Fact]
    public async Task Watch_picks_up_an_export_dropped_after_start_and_runs_the_nightly_pass_at_the_cron_occurrence()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        var clock = new ManualClock(new DateTimeOffset(2021, 6, 1, 1, 59, 50, TimeSpan.Zero));
        using var stop = new CancellationTokenSource();
        var waits = new List<TimeSpan>();
        var host = new CliHost
        {
            Clock = clock,
            // Each wait moves the manual clock; the first drops an export, the third stops the watch.
            Delay = (duration, cancellationToken) =>
            {
                waits.Add(duration);
                clock.Now += duration;
                if (waits.Count == 1)
                {
                    LocalStoreKit.DropPanel(dir.FullName);
                }
                if (waits.Count == 3)
                {
                    stop.Cancel();
                }
                cancellationToken.ThrowIfCancellationRequested();
                return Task.CompletedTask;
            },
        };

        var (code, output, error) = await CliRunner.RunAsync(host, stop.Token, "watch", "--store", dir.FullName, "--poll", "5s", "--schedule", "0 0 2 * * *");

        Assert.True(code == 0, output + error);
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], waits);
        Assert.Contains("2021-06-01T01:59:55Z accepted exports/geo/week1.parquet", output, StringComparison.Ordinal);
        Assert.Contains("2021-06-01T01:59:55Z measured geo (data-", output, StringComparison.Ordinal);
        Assert.Contains("2021-06-01T02:00:00Z scheduled run for 2021-06-01T02:00:00Z", output, StringComparison.Ordinal);
        Assert.Contains("run nightly-20210601-0200: 1 campaigns", output, StringComparison.Ordinal);
        Assert.Contains("next scheduled run at 2021-06-02T02:00:00Z", output, StringComparison.Ordinal);
        Assert.EndsWith("stopped" + Environment.NewLine, output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir.FullName, "runs", "nightly-20210601-0200.json")));
        // Started after the 2021-05-31 02:00 occurrence with no run recorded for it, the watch catches that one up first.
        Assert.Contains("2021-06-01T01:59:50Z catching up the scheduled run for 2021-05-31T02:00:00Z", output, StringComparison.Ordinal);
        Assert.Equal(["nightly-20210531-0200.json", "nightly-20210601-0200.json"],
            Directory.GetFiles(Path.Combine(dir.FullName, "runs"), "nightly-*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Watch_waits_only_until_the_next_occurrence_when_it_is_nearer_than_the_poll()
    {
        using var dir = TestData.TempDirectory();
        var clock = new ManualClock(new DateTimeOffset(2021, 6, 1, 1, 59, 58, TimeSpan.Zero));
        using var stop = new CancellationTokenSource();
        var waits = new List<TimeSpan>();
        var host = new CliHost
        {
            Clock = clock,
            Delay = (duration, cancellationToken) =>
            {
                waits.Add(duration);
                clock.Now += duration;
                if (waits.Count == 2)
                {
                    stop.Cancel();
                }
                cancellationToken.ThrowIfCancellationRequested();
                return Task.CompletedTask;
            },
        };

        var (code, output, _) = await CliRunner.RunAsync(host, stop.Token, "watch", "--store", dir.FullName, "--poll", "1m");

        Assert.Equal(0, code);
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1)], waits);
        Assert.True(File.Exists(Path.Combine(dir.FullName, "runs", "nightly-20210601-0200.json")), output);
    }

    [Theory]
    [InlineData("--schedule", "0 2 * *")]
    [InlineData("--schedule", "61 2 * * *")]
    [InlineData("--poll", "soon")]
    public async Task A_bad_schedule_or_poll_is_a_usage_error(string option, string value)
    {
        using var dir = TestData.TempDirectory();

        var (code, _, error) = await CliRunner.RunAsync("watch", "--store", dir.FullName, option, value);

        Assert.Equal(2, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 2 * * *", "2021-06-01T01:00:00Z", "2021-06-01T02:00:00Z")]
    [InlineData("0 0 2 * * *", "2021-06-01T01:00:00Z", "2021-06-01T02:00:00Z")]
    [InlineData("30 0 2 * * *", "2021-06-01T02:00:00Z", "2021-06-01T02:00:30Z")]
    [InlineData("0 2 * * *", "2021-06-01T02:00:00Z", "2021-06-02T02:00:00Z")]
    [InlineData("*/15 * * * *", "2021-06-01T02:07:00Z", "2021-06-01T02:15:00Z")]
    public void Cron_schedules_of_five_and_six_fields_give_the_next_utc_occurrence(string expression, string after, string expected)
    {
        var next = CronSchedule.Parse(expression).NextAfter(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), next);
    }

    [Theory]
    [InlineData("5s", 5000)]
    [InlineData("250ms", 250)]
    [InlineData("2m", 120000)]
    [InlineData("1h", 3600000)]
    [InlineData("00:00:05", 5000)]
    public void Durations_read_with_a_unit_or_as_a_time_span(string text, double milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Duration.TryParse(text));
}
