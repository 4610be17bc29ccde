using LiftPipeline.Cli.Hosting;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Cli;

public sealed class DemoCommandTests
{
    private static readonly CliHost Host = new() { Clock = new ManualClock(new DateTimeOffset(2021, 6, 1, 9, 0, 0, TimeSpan.Zero)) };

    [Trait("Category", "Simulation")]
    [Fact]
    public async Task Demo_on_the_repository_samples_measures_each_campaign_and_quarantines_the_malformed_export()
    {
        using var dir = TestData.TempDirectory();
        var target = Path.Combine(dir.FullName, "demo");
        var samples = Path.Combine(Path.GetDirectoryName(TestData.Path())!, "..", "samples");

        var (code, output, error) = await CliRunner.RunAsync(Host, CancellationToken.None, "demo", "--dir", target, "--samples", samples);

        Assert.True(code == 0, output + error);
        Assert.Contains("11 new exports: 10 accepted, 1 quarantined", output, StringComparison.Ordinal);
        foreach (var campaign in new[] { "creative-holdout", "geolift-test", "multicell", "prop99", "vbo-holdout", "vbo-holdout-spring", "vbo-holdout-summer", "vbo-holdout-winter" })
        {
            Assert.Contains($"│ {campaign} ", output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(target, "reports", campaign, "latest.json")), campaign);
            Assert.Contains(Path.Combine(target, "reports", campaign, "latest.json"), output, StringComparison.Ordinal);
        }
        Assert.Contains("quarantined exports/geolift-test/2021-q2-fix.parquet", output, StringComparison.Ordinal);
        // The planning campaign: a design line (top candidate with chicago, its MDE, the report) and no measurement.
        string design = Path.Combine(target, "reports", "geo-plan", "design", "design.html");
        Assert.True(File.Exists(design));
        Assert.Matches($"geo-plan design: [a-z ,]*chicago[a-z ,]* for 1[05] periods, MDE [0-9.]+%, investment [0-9,]+ → {System.Text.RegularExpressions.Regex.Escape(design)}", output);
        Assert.Contains($"geo-plan: {design} (the geo design: open in a browser)", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(target, "reports", "geo-plan", "latest.json")));
        Assert.Contains("[duplicate-cell]", output, StringComparison.Ordinal);
        Assert.Contains("prop99: The always-valid interval of sdid contains zero", output, StringComparison.Ordinal);   // a panel extending says how far the decision is
        Assert.Contains("lift run --store " + target, output, StringComparison.Ordinal);
        // Winter and spring scale (a final decision), so they are concluded even on this 2021 clock.
        Assert.Contains($"learnings: {Path.Combine(target, "learnings", "index.html")} (every concluded test", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(target, "learnings", "vbo-holdout-winter.md")));
        Assert.Contains("  suppressed (fewer than 50 customers, or would reveal such a row): market es, market lu", output, StringComparison.Ordinal);
        Assert.Contains("Guardrail breached: fairness", output, StringComparison.Ordinal);   // the summer season harms es
        Assert.Matches(@"evidence: Across 4 tests \(\d still running\), vbo_1p added \+\d\.\d% \[\+\d\.\d%, \+\d\.\d%\] revenue over vbo; it helps in segment vip", output);
        Assert.Contains("  budget (Thompson shares; on hold until fairness is resolved): vbo ", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(target, "evidence", "index.html")));
        Assert.Contains("  Privacy: cells with fewer than 50 customers are suppressed. The aggregate table (aggregates.json) is released with Gaussian noise at ε = 1", output, StringComparison.Ordinal);
        Assert.Contains($"(its privacy budget)", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(target, "privacy", "vbo-holdout.json")));
        Assert.Contains($"  portfolio: {Path.Combine(target, "portfolio", "latest.html")} (every live campaign", output, StringComparison.Ordinal);
        Assert.Matches(@"portfolio: \d+ live campaigns \(1 designed, \d+ measured\); \d+ concluded since the last digest\. → ", output);
    }

    [Fact]
    public async Task Demo_refuses_a_non_empty_folder_it_did_not_make_and_replaces_one_it_did()
    {
        using var dir = TestData.TempDirectory();
        var samples = StandInSamples(dir.FullName);
        var foreign = Path.Combine(dir.FullName, "mine");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "keep.txt"), "x");
        var demo = Path.Combine(dir.FullName, "demo");

        var refused = await CliRunner.RunAsync(Host, CancellationToken.None, "demo", "--dir", foreign, "--samples", samples);
        var first = await CliRunner.RunAsync(Host, CancellationToken.None, "demo", "--dir", demo, "--samples", samples);
        var again = await CliRunner.RunAsync(Host, CancellationToken.None, "demo", "--dir", demo, "--samples", samples);
        var forced = await CliRunner.RunAsync(Host, CancellationToken.None, "demo", "--dir", foreign, "--samples", samples, "--force");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("not empty and was not made by lift demo", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("1 new export: 1 accepted, 0 quarantined", again.Output, StringComparison.Ordinal);
        Assert.Equal(0, forced.ExitCode);
        Assert.True(File.Exists(Path.Combine(foreign, "keep.txt")));
        Assert.True(File.Exists(Path.Combine(foreign, "reports", LocalStoreKit.Campaign, "latest.json")));
    }

    [Fact]
    public void Samples_are_found_walking_up_from_the_current_directory()
    {
        using var dir = TestData.TempDirectory();
        var samples = StandInSamples(dir.FullName);
        var deep = Path.Combine(dir.FullName, "a", "b");
        Directory.CreateDirectory(deep);

        Assert.Equal(samples, DemoStore.LocateSamples(null, deep));
        Assert.Throws<DemoStoreException>(() => DemoStore.LocateSamples(deep, dir.FullName));
    }

    /// <summary>A one-campaign sample store in a temp folder: samples/campaigns/geo and samples/exports/geo.</summary>
    private static string StandInSamples(string root)
    {
        var samples = Path.Combine(root, "samples");
        LocalStoreKit.WriteCampaign(samples);
        LocalStoreKit.DropPanel(samples);
        return samples;
    }
}
