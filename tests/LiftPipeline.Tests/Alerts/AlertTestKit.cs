using System.Collections.Concurrent;
using LiftPipeline.Infrastructure.Alerts;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LiftPipeline.Tests.Alerts;

/// <summary>A sample alert, and the webhook sink wired the production way (AddLiftWebhooks) with recorded delays.</summary>
internal sealed class AlertTestKit : IDisposable
{
    public const string Secret = "whsec-test-0123456789";

    public static readonly DateTimeOffset Now = new(2026, 3, 5, 23, 30, 0, TimeSpan.FromHours(-2));

    private readonly ServiceProvider _services;
    private readonly ConcurrentQueue<TimeSpan> _delays = new();

    public AlertTestKit(Action<WebhookOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddLiftWebhooks(options =>
        {
            options.JitterSeed = 7;
            // Only a hang should time out here (tests of timeouts set their own); a loaded CI machine can take seconds to accept.
            options.AttemptTimeout = TimeSpan.FromSeconds(60);
            options.Delay = (delay, _) =>
            {
                _delays.Enqueue(delay);
                return Task.CompletedTask;
            };
            options.WebhookSecrets["acme-signing"] = Secret;
            options.Allow("http, 127.0.0.1/32");   // the receiver is a plain-http listener on loopback
            configure?.Invoke(options);
        });
        _services = services.BuildServiceProvider();
        Sink = _services.GetRequiredService<IAlertSink>();
    }

    public ManualClock Clock { get; } = new(Now);

    public IAlertSink Sink { get; }

    /// <summary>The waits the sink asked for, in order (nothing actually slept).</summary>
    public IReadOnlyList<TimeSpan> Delays => _delays.ToArray();

    public static Alert SampleAlert(string input = "etag-0x8DC1") => new(
        Alert.CreateId(CampaignId.Parse("spring-geo"), "srm", input, "breach"),
        CampaignId.Parse("spring-geo"),
        "srm",
        AlertSeverity.Breach,
        "Sample ratio mismatch: 52.4% of customers in treatment, 50% expected",
        new Dictionary<string, double> { ["p_value"] = 1.2e-7, ["expected_share"] = 0.5, ["observed_share"] = 0.524 },
        Now,
        RunId.Parse("run-20260306-0200"),
        "reports/spring-geo/run-20260306-0200/report.json");

    public static AlertSubscriber Subscriber(Uri url, string? secretName = "acme-signing", string name = "acme-ops") => new(name, url, secretName);

    public void Dispose() => _services.Dispose();
}
