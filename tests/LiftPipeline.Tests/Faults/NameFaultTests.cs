using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using LiftPipeline.Infrastructure.Storage;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Cli;
using LiftPipeline.Tests.Storage;

namespace LiftPipeline.Tests.Faults;

/// <summary>
/// Issue 11, item 6: a subscriber name or an export name the store cannot take is reported where it enters and never
/// blocks other campaigns, and never disappears silently (folder store and Azurite alike).
/// </summary>
[Collection("Azurite")]
public sealed class NameFaultTests(AzuriteFixture azurite)
{
    private static readonly string[] OddExports = ["exports/good/export (1).parquet", "exports/good/exporté.parquet", "exports/good/ leading space.parquet", "exports/Spring-Geo/week1.parquet"];

    [Fact]
    public void The_campaign_reader_names_a_bad_subscriber_name_and_what_is_allowed()
    {
        var error = Assert.Throws<CampaignConfigException>(() => CampaignConfig.Parse("geo", Encoding.UTF8.GetBytes(Config("geo", "Growth Team (EU)", "https://hooks.example.com/a"))));

        Assert.Contains("subscribers[0].name: 'Growth Team (EU)' is not a subscriber name; use 1 to 64 letters, digits, '.', '-' or '_' (such as 'growth-team-eu')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lift_run_delivers_the_good_campaigns_alert_when_another_has_a_bad_subscriber_name_and_reports_every_odd_export()
    {
        var root = Path.Combine(Path.GetTempPath(), "lift-faults-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using var receiver = new WebhookReceiver().Start();
            Write(root, "campaigns/bad-names/campaign.json", Encoding.UTF8.GetBytes(Config("bad-names", "Growth Team (EU)", receiver.Url.AbsoluteUri)));
            Write(root, "campaigns/good/campaign.json", Encoding.UTF8.GetBytes(Config("good", "growth", receiver.Url.AbsoluteUri)));
            Write(root, "exports/good/broken.parquet", Encoding.UTF8.GetBytes("not a parquet file"));
            Write(root, "exports/bad-names/broken.parquet", Encoding.UTF8.GetBytes("not a parquet file either"));
            foreach (var odd in OddExports)
            {
                Write(root, odd, Encoding.UTF8.GetBytes("odd"));
            }

            var (code, output, error) = await CliRunner.RunAsync(WebhookTargetTests.Host(), CancellationToken.None, "run", "--store", root);

            Assert.Equal(1, code);   // exit 1: a campaign failed and odd exports were reported; the rest still ran
            Assert.Contains("'Growth Team (EU)' is not a subscriber name", output, StringComparison.Ordinal);
            foreach (var odd in OddExports)
            {
                Assert.Contains(odd, output, StringComparison.Ordinal);
            }
            var alerts = receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
            Assert.All(alerts, a => Assert.Equal("good", a.GetProperty("campaign").GetString()));
            var messages = alerts.Select(a => a.GetProperty("message").GetString()!).ToList();
            Assert.Single(messages, m => m.StartsWith("Export rejected and quarantined", StringComparison.Ordinal));
            Assert.Single(messages, m => m.Contains("export (1).parquet", StringComparison.Ordinal));
            Assert.Single(messages, m => m.Contains("exporté.parquet", StringComparison.Ordinal));
            Assert.Single(messages, m => m.Contains(" leading space.parquet", StringComparison.Ordinal));
            Assert.Equal(4, alerts.Count);

            var (again, secondOutput, _) = await CliRunner.RunAsync(WebhookTargetTests.Host(), CancellationToken.None, "run", "--store", root, "--run-id", "run-again");

            Assert.Equal(1, again);
            Assert.Contains("exports/good/export (1).parquet", secondOutput, StringComparison.Ordinal);
            Assert.Equal(4, receiver.Received.Count);   // the same names at the same ETags raise the same alerts: not sent twice
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Azure_and_folder_stores_both_report_an_export_name_the_store_cannot_take()
    {
        var connection = azurite.RequireConnectionString();
        var container = "names-" + Guid.NewGuid().ToString("N")[..12];
        var azure = new AzureBlobStore(connection, container);
        var raw = new BlobContainerClient(connection, container);   // the SDK writes any name; the pipeline must still see it
        await azure.EnsureCreatedAsync();
        var root = Path.Combine(Path.GetTempPath(), "lift-faults-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var folder = new FolderStore(root);
            foreach (var store in new IObjectStore[] { azure, folder })
            {
                await store.WriteAsync("campaigns/good/campaign.json", Encoding.UTF8.GetBytes(Config("good", "growth", "https://hooks.example.com/a")));
            }
            await azure.WriteAsync("exports/good/week1.parquet", Encoding.UTF8.GetBytes("odd"));
            await raw.UploadBlobAsync("exports/good/export (1).parquet", BinaryData.FromString("odd"));
            Write(root, "exports/good/export (1).parquet", Encoding.UTF8.GetBytes("odd"));
            Write(root, "exports/good/week1.parquet", Encoding.UTF8.GetBytes("odd"));

            var clock = new ManualClock(AlertTestKit.Now);
            var fromAzure = await new LocalPipeline(azure, null, clock).ProcessNewExportsAsync();
            var fromFolder = await new LocalPipeline(folder, null, clock).ProcessNewExportsAsync();

            Assert.Equal(fromFolder.Problems, fromAzure.Problems);
            Assert.Contains(fromAzure.Problems, p => p.StartsWith("exports/good/export (1).parquet", StringComparison.Ordinal));
            Assert.Equal("exports/good/week1.parquet", Assert.Single(fromAzure.Exports).Export.Path);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_stray_file_with_an_odd_name_in_the_outbox_is_reported_and_the_run_goes_on()
    {
        var root = Path.Combine(Path.GetTempPath(), "lift-faults-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            Write(root, "outbox/0123/copy of growth (1).json", Encoding.UTF8.GetBytes("{}"));
            Write(root, "campaigns/good/campaign.json", Encoding.UTF8.GetBytes(Config("good", "growth", "https://hooks.example.com/a")));
            using var kit = new AlertTestKit();

            var summary = await new LocalPipeline(new FolderStore(root), kit.Sink, kit.Clock).RunOnceAsync(RunId.Parse("run-1"));

            var stray = Assert.Single(summary.Deliveries);
            Assert.Equal("outbox/0123/copy of growth (1).json", stray.AlertId);
            Assert.Contains("not an outbox entry", stray.Outcome.Error, StringComparison.Ordinal);
            Assert.Single(summary.Measurements);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Config(string id, string subscriber, string url) =>
        $$"""{"id": "{{id}}", "name": "{{id}}", "design": "panel", "metrics": ["conversions"], "variance": "none", "subscribers": [{"name": "{{subscriber}}", "url": "{{url}}"}]}""";

    private static void Write(string root, string name, byte[] content)
    {
        var path = Path.Combine(root, name.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }
}
