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

    /// <summary>Seed of the backoff jitter, for reproducible retry schedules; null uses a shared random source. Default null.</summary>
    public int? JitterSeed { get; set; }

    /// <summary>How the sink waits between attempts; replace in tests to record delays instead of sleeping. Default <see cref="Task.Delay(TimeSpan, CancellationToken)"/>.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;
}
