using System.Text;
using LiftPipeline.Cli.Hosting;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Cli;

/// <summary><c>lift run</c> over the vbo-holdout sample prints a harmed guardrail metric under the holdout's contrasts, and nothing when none is harmed.</summary>
public sealed class RunHoldoutHarmTests
{
    private static async Task<string> RunAsync(string margin)
    {
        using var dir = TestData.TempDirectory();
        string json = File.ReadAllText(TestData.Samples("campaigns", "vbo-holdout", "campaign.json"))
            .Replace("\"margin\": 0.05", $"\"margin\": {margin}", StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(dir.FullName, "campaigns", "vbo-holdout"));
        Directory.CreateDirectory(Path.Combine(dir.FullName, "exports", "vbo-holdout"));
        File.WriteAllText(Path.Combine(dir.FullName, "campaigns", "vbo-holdout", "campaign.json"), json, new UTF8Encoding(false));
        File.Copy(TestData.Samples("exports", "vbo-holdout", "customers.parquet"), Path.Combine(dir.FullName, "exports", "vbo-holdout", "customers.parquet"));
        var host = new CliHost { Clock = new ManualClock(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero)) };

        var (code, output, error) = await CliRunner.RunAsync(host, CancellationToken.None, "run", "--store", dir.FullName);

        Assert.True(code is 0 or 1, error);   // 1 when a guardrail breached
        return output;
    }

    [Fact]
    public async Task A_harmed_guardrail_metric_is_named_under_the_holdouts_contrasts()
    {
        string output = await RunAsync("0.005");

        Assert.Contains("  ⚠ harmed: vbo_1p harms unsubscribes: 9.6% (always-valid interval 0.7% to 18.4%) is worse than the 0.5% margin.\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("Guardrail breached: harm", output);
    }

    [Fact]
    public async Task The_sample_campaigns_margin_harms_nothing_and_prints_no_mark()
    {
        string output = await RunAsync("0.05");

        Assert.DoesNotContain("harmed", output);
    }
}
