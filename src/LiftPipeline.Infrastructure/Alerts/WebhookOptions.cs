using System.Net;

namespace LiftPipeline.Infrastructure.Alerts;

/// <summary>Settings of <see cref="WebhookAlertSink"/>, set through <c>AddLiftWebhooks</c> (or any options configuration).</summary>
public sealed class WebhookOptions
{
    /// <summary>The <c>IHttpClientFactory</c> client name used for webhook calls.</summary>
    public const string HttpClientName = "lift-webhooks";

    /// <summary>Requests per delivery call, the first included. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Time limit of one request, answer included; a request that overruns counts as a retryable timeout. Default 10 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Backoff before retry n (n = 1, 2, …) is drawn uniformly from [0, min(MaxDelay, BaseDelay·2^(n−1))] (full jitter). Default 1 s.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the exponential backoff. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest <c>Retry-After</c> honoured within one call. A receiver asking for longer ends the call as Pending,
    /// leaving the retry to the next run. Default 2 minutes.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Signing secrets by name (<see cref="LiftPipeline.Pipeline.Alerts.AlertSubscriber.SecretName"/> → secret). Fill from
    /// Key Vault or app settings, never from campaign files. A subscriber without a secret name gets unsigned requests
    /// (no <c>X-Lift-Signature</c>); one whose secret name is missing here gets nothing and stays Pending.
    /// </summary>
    public IDictionary<string, string> WebhookSecrets { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Where a host sets the secret of a given name, for the message of a subscriber whose secret is missing (the CLI:
    /// <c>environment variable LIFT_WEBHOOK_SECRET_GROWTH_HOOK</c>; the Functions app: <c>app setting Webhooks:Secrets:growth-hook</c>).
    /// Default: <c>a webhook secret named {name}</c>.
    /// </summary>
    public Func<string, string> SecretSetting { get; set; } = name => $"a webhook secret named '{name}'";

    /// <summary>Seed of the backoff jitter, for reproducible retry schedules; null uses a shared random source. Default null.</summary>
    public int? JitterSeed { get; set; }

    /// <summary>
    /// Whether plain <c>http://</c> targets may be used. Default false: only <c>https://</c> (the allow-list word <c>http</c> sets it).
    /// </summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Networks a webhook may reach although they are loopback, private, link-local or otherwise internal (see
    /// <see cref="WebhookTarget"/>); checked on the address actually connected to. Default empty: every internal address is refused.
    /// </summary>
    public IList<IPNetwork> AllowedNetworks { get; set; } = new List<IPNetwork>();

    /// <summary>How a webhook's host name is resolved at connect time; replace in tests. Default <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>.</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>> ResolveHost { get; set; } = Dns.GetHostAddressesAsync;

    /// <summary>
    /// Applies an allow-list setting (<c>LIFT_WEBHOOK_ALLOW</c> for the CLI, <c>Webhooks:Allow</c> for the Functions app):
    /// entries separated by commas, semicolons or spaces, each the word <c>http</c> (sets <see cref="AllowHttp"/>) or a
    /// network in CIDR form (<c>127.0.0.1/32</c>, <c>10.20.0.0/16</c>, <c>fd00::/8</c>) added to <see cref="AllowedNetworks"/>.
    /// Null or blank allows nothing more.
    /// </summary>
    /// <exception cref="FormatException">An entry is neither; the message names it.</exception>
    public void Allow(string? allowList)
    {
        foreach (var entry in (allowList ?? "").Split([',', ';', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(entry, "http", StringComparison.OrdinalIgnoreCase))
            {
                AllowHttp = true;
            }
            else if (entry.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(entry, out var network))
            {
                AllowedNetworks.Add(network);
            }
            else
            {
                throw new FormatException($"webhook allow-list entry '{entry}' is neither 'http' nor a network such as 127.0.0.1/32 or fd00::/8");
            }
        }
    }

    /// <summary>How the sink waits between attempts; replace in tests to record delays instead of sleeping. Default <see cref="Task.Delay(TimeSpan, CancellationToken)"/>.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;
}
