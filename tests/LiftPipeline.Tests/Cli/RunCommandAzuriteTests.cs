using LiftPipeline.Cli.Hosting;
using LiftPipeline.Infrastructure.Storage;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Storage;

namespace LiftPipeline.Tests.Cli;

[Collection("Azurite")]
public sealed class RunCommandAzuriteTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Run_with_a_connection_string_measures_a_campaign_in_azurite()
    {
        var connection = azurite.RequireConnectionString();
        var container = "cli-" + Guid.NewGuid().ToString("N")[..12];
        var store = new AzureBlobStore(connection, container);
        await store.EnsureCreatedAsync();
        await store.WriteAsync("campaigns/geo/campaign.json", System.Text.Encoding.UTF8.GetBytes(LocalStoreKit.CampaignJson()));
        await store.WriteAsync("exports/geo/week1.parquet", await File.ReadAllBytesAsync(TestData.Panel("GeoLift_Test.parquet")));
        var host = new CliHost { Clock = new ManualClock(new DateTimeOffset(2021, 6, 1, 9, 0, 0, TimeSpan.Zero)) };

        var (code, output, error) = await CliRunner.RunAsync(host, CancellationToken.None, "run", "--store", connection, "--container", container);

        Assert.True(code == 0, output + error);
        Assert.Contains($"/devstoreaccount1/{container}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", output, StringComparison.Ordinal);
        Assert.Contains("1 new export: 1 accepted, 0 quarantined", output, StringComparison.Ordinal);
        Assert.NotNull(await store.GetAsync("reports/geo/latest.json"));
        Assert.NotNull(await store.GetAsync("reports/geo/run-20210601-090000/report.html"));
    }
}
