using System.Collections;
using System.Net;
using System.Text;
using LiftPipeline.Cli.Hosting;
using LiftPipeline.Infrastructure.Alerts;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Cli;

namespace LiftPipeline.Tests.Faults;

/// <summary>
/// Issue 11, item 5: the webhook sink refuses internal targets (checked on the address it connects to), plain http
/// unless allowed, and credentials in URLs; a real 127.0.0.1 listener shows that nothing was sent.
/// </summary>
public sealed class WebhookTargetTests
{
    private const string Password = "hunter2-s3cret";

    /// <summary>A sink allowed to use http (so the scheme is not the reason) but with no allowed networks.</summary>
    private static AlertTestKit StrictKit(Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null) => new(o =>
    {
        o.AllowedNetworks.Clear();
        o.AllowHttp = true;
        o.MaxAttempts = 1;
        o.AttemptTimeout = TimeSpan.FromSeconds(3);
        if (resolve is not null)
        {
            o.ResolveHost = resolve;
        }
    });

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/", "private")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/", "metadata")]
    [InlineData("http://2130706433:{port}/hooks/lift", "loopback")]
    [InlineData("http://0x7f.1:{port}/hooks/lift", "loopback")]
    [InlineData("http://localhost:{port}/hooks/lift", "loopback")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/hooks/lift", "loopback")]
    [InlineData("http://10.0.0.1/hooks/lift", "private")]
    [InlineData("http://100.64.0.1/hooks/lift", "private")]
    [InlineData("http://0.0.0.0:{port}/hooks/lift", "unspecified")]
    public async Task The_sink_refuses_an_internal_target_without_sending_and_names_why(string url, string reason)
    {
        using var kit = StrictKit();
        await using var receiver = new WebhookReceiver().Start();
        var target = new Uri(url.Replace("{port}", receiver.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(target), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
        Assert.Null(outcome.LastStatusCode);
        Assert.Contains("refused", outcome.Error, StringComparison.Ordinal);
        Assert.Contains(reason, outcome.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_loopback_is_refused_at_connect_time()
    {
        var asked = new List<string>();
        using var kit = StrictKit((host, _) =>
        {
            asked.Add(host);
            return Task.FromResult(host == "hooks.example.test" ? new[] { IPAddress.Loopback } : Array.Empty<IPAddress>());
        });
        await using var receiver = new WebhookReceiver().Start();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(),
            AlertTestKit.Subscriber(new Uri($"http://hooks.example.test:{receiver.Port}/hooks/lift")), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
        Assert.Contains("hooks.example.test resolves to 127.0.0.1, a loopback address; refused", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(["hooks.example.test"], asked);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task The_allow_list_lets_the_loopback_listener_receive_the_alert()
    {
        using var kit = new AlertTestKit(o =>
        {
            o.AllowedNetworks.Clear();
            o.AllowHttp = false;
            o.Allow("http, 127.0.0.1/32");
        });
        await using var receiver = new WebhookReceiver().Start();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(receiver.Url), CancellationToken.None);

        Assert.Equal(new DeliveryOutcome(DeliveryStatus.Delivered, 1, 200, null), outcome);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Plain_http_is_refused_unless_the_allow_list_says_http()
    {
        using var kit = new AlertTestKit(o => o.AllowHttp = false);
        await using var receiver = new WebhookReceiver().Start();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(receiver.Url), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
        Assert.Equal(0, outcome.Attempts);
        Assert.Contains("http:// is refused; use https:// or add 'http' to LIFT_WEBHOOK_ALLOW", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public void An_allow_list_entry_that_is_neither_http_nor_a_network_is_named()
    {
        var error = Assert.Throws<FormatException>(() => new WebhookOptions().Allow("http, 127.0.0.1/33"));

        Assert.Equal("webhook allow-list entry '127.0.0.1/33' is neither 'http' nor a network such as 127.0.0.1/32 or fd00::/8", error.Message);
    }

    [Fact]
    public void A_subscriber_url_with_a_password_is_refused_without_printing_it()
    {
        var json = $$"""{"id": "geo", "name": "Geo", "design": "panel", "metrics": ["conversions"], "subscribers": [{"name": "ops", "url": "https://ops:{{Password}}@hooks.example.com/lift?token=abc123"}]}""";

        var error = Assert.Throws<CampaignConfigException>(() => CampaignConfig.Parse("geo", Encoding.UTF8.GetBytes(json)));

        Assert.Contains("subscribers[0].url: 'https://***@hooks.example.com/lift?***' carries credentials; remove the user name and password", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abc123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lift_run_never_prints_or_stores_a_subscriber_password()
    {
        var root = Path.Combine(Path.GetTempPath(), "lift-faults-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using var receiver = new WebhookReceiver().Start();
            var url = $"http://ops:{Password}@127.0.0.1:{receiver.Port}/hooks/lift";
            LocalStoreKit.WriteCampaign(root, $$"""{"id": "geo", "name": "Geo", "design": "panel", "metrics": ["conversions"], "variance": "none", "subscribers": [{"name": "ops", "url": "{{url}}"}]}""");
            LocalStoreKit.Drop(root, "broken.parquet", Encoding.UTF8.GetBytes("not a parquet file"));

            var (code, output, error) = await CliRunner.RunAsync(Host(), CancellationToken.None, "run", "--store", root);

            Assert.Equal(1, code);   // the campaign with the bad URL is failed; exit 1 names it
            Assert.Contains("carries credentials", output + error, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, output + error, StringComparison.Ordinal);
            foreach (var (file, bytes) in LocalStoreKit.Snapshot(root, ""))
            {
                Assert.False(Encoding.UTF8.GetString(bytes).Contains(Password, StringComparison.Ordinal) && !file.EndsWith("campaign.json", StringComparison.Ordinal), file);
            }
            Assert.Empty(receiver.Received);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Lift_run_with_a_mistyped_allow_list_stops_with_one_line_naming_the_entry()
    {
        var root = Path.Combine(Path.GetTempPath(), "lift-faults-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            LocalStoreKit.WriteCampaign(root);
            var host = new CliHost { Clock = Host().Clock, Environment = () => new Hashtable { ["LIFT_WEBHOOK_ALLOW"] = "http,localhost" } };

            var (code, _, error) = await CliRunner.RunAsync(host, CancellationToken.None, "run", "--store", root);

            Assert.Equal(2, code);
            Assert.Equal("LIFT_WEBHOOK_ALLOW: webhook allow-list entry 'localhost' is neither 'http' nor a network such as 127.0.0.1/32 or fd00::/8" + Environment.NewLine, error);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Redacted_urls_keep_host_and_path_and_hide_userinfo_and_query()
    {
        Assert.Equal("https://***@hooks.example.com:8443/a/b?***", SubscriberUrl.Redact(new Uri("https://u:p@hooks.example.com:8443/a/b?sig=1")));
        Assert.Equal("https://hooks.example.com/a", SubscriberUrl.Redact(new Uri("https://hooks.example.com/a")));
        Assert.Equal("https://***@x/?***", SubscriberUrl.Redact("https://user:pw@x/?k=v"));
    }

    /// <summary>A CLI host whose environment allows the loopback listener over http.</summary>
    internal static CliHost Host() => new()
    {
        Clock = new ManualClock(new DateTimeOffset(2021, 6, 1, 9, 0, 0, TimeSpan.Zero)),
        Environment = () => new Hashtable { ["LIFT_WEBHOOK_ALLOW"] = "http,127.0.0.1/32" },
    };
}
