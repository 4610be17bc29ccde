using System.Globalization;
using System.Net.Http.Headers;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Campaigns;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LiftPipeline.Infrastructure.Alerts;

/// <summary>
/// Delivers an alert by POSTing its canonical JSON (<see cref="AlertJson"/>) to the subscriber's URL through the
/// <see cref="WebhookOptions.HttpClientName"/> client, with headers <c>X-Lift-Alert-Id</c>, <c>X-Lift-Timestamp</c>
/// (Unix seconds) and, when the subscriber has a secret, <c>X-Lift-Signature</c> (see <see cref="WebhookSignature"/>).
/// <para>
/// Retry policy: a 2xx is delivered. 5xx, 429 and connection errors are retried up to
/// <see cref="WebhookOptions.MaxAttempts"/> requests, waiting a full-jitter exponential backoff, or exactly the
/// <c>Retry-After</c> (seconds or HTTP date) of a 429 or 503. A timeout (<see cref="WebhookOptions.AttemptTimeout"/>) is
/// not retried within the call: a slow subscriber may still be processing the request, so it gets one per run. Any other
/// status (3xx, other 4xx) is not retried within the call. Whatever is not delivered comes back Pending, for the next run.
/// </para>
/// <para>
/// Targets: <see cref="WebhookTarget"/> refuses plain http (unless allowed), URLs with credentials and internal
/// addresses (unless their network is allowed) before anything is sent; such an outcome is Pending, not retried within
/// the call, and says why. URLs in outcomes and logs are redacted (<see cref="SubscriberUrl"/>).
/// </para>
/// Thread-safe; register once with <c>AddLiftWebhooks</c>.
/// </summary>
public sealed partial class WebhookAlertSink : IAlertSink
{
    private readonly IHttpClientFactory _clients;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly Lock _randomLock = new();

    /// <summary>Creates the sink; <paramref name="logger"/> is optional.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (MaxAttempts &lt; 1, non-positive timeout, negative delays).</exception>
    public WebhookAlertSink(IHttpClientFactory clients, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookAlertSink>? logger = null)
    {
        _clients = clients ?? throw new ArgumentNullException(nameof(clients));
        _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxAttempts, 1, "WebhookOptions.MaxAttempts");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.AttemptTimeout, TimeSpan.Zero, "WebhookOptions.AttemptTimeout");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BaseDelay, TimeSpan.Zero, "WebhookOptions.BaseDelay");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxDelay, TimeSpan.Zero, "WebhookOptions.MaxDelay");
        _random = _options.JitterSeed is int seed ? new Random(seed) : Random.Shared;
    }

    /// <inheritdoc />
    public async Task<DeliveryOutcome> DeliverAsync(Alert alert, AlertSubscriber subscriber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(subscriber);
        string? secret = null;
        if (subscriber.SecretName is { } secretName && !_options.WebhookSecrets.TryGetValue(secretName, out secret))
        {
            return new DeliveryOutcome(DeliveryStatus.Pending, 0, null,
                $"subscriber '{subscriber.Name}' names secret '{secretName}', which is not set; set {_options.SecretSetting(secretName)} (nothing was sent)");
        }
        if (WebhookTarget.Refusal(subscriber.Url, _options) is { } refused)
        {
            return new DeliveryOutcome(DeliveryStatus.Pending, 0, null, WebhookTarget.Describe(subscriber.Url, refused));
        }
        var body = AlertJson.Write(alert);
        var client = _clients.CreateClient(WebhookOptions.HttpClientName);
        int? lastStatus = null;
        string error = "";
        for (int attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            var result = await SendOnceAsync(client, alert.Id, subscriber, body, secret, cancellationToken).ConfigureAwait(false);
            lastStatus = result.StatusCode ?? lastStatus;
            if (result.Delivered)
            {
                return new DeliveryOutcome(DeliveryStatus.Delivered, attempt, result.StatusCode, null);
            }
            error = result.Error;
            if (!result.Retryable)
            {
                return new DeliveryOutcome(DeliveryStatus.Pending, attempt, lastStatus, $"{error}; not retried in this run (only 5xx, 429 and connection errors are)");
            }
            if (attempt == _options.MaxAttempts)
            {
                break;
            }
            var delay = result.RetryAfter ?? Backoff(attempt);
            if (delay > _options.MaxRetryAfter)
            {
                return new DeliveryOutcome(DeliveryStatus.Pending, attempt, lastStatus,
                    $"{error}; Retry-After {delay.TotalSeconds:0} s exceeds MaxRetryAfter {_options.MaxRetryAfter.TotalSeconds:0} s, left for the next run");
            }
            LogRetry(alert.Id, subscriber.Name, attempt, delay.TotalMilliseconds, error);
            await _options.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        return new DeliveryOutcome(DeliveryStatus.Pending, _options.MaxAttempts, lastStatus, $"gave up after {_options.MaxAttempts} attempts; last: {error}");
    }

    private async Task<AttemptResult> SendOnceAsync(HttpClient client, string alertId, AlertSubscriber subscriber, byte[] body, string? secret, CancellationToken cancellationToken)
    {
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscriber.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Lift-Alert-Id", alertId);
        request.Headers.Add("X-Lift-Timestamp", timestamp);
        if (secret is not null)
        {
            request.Headers.Add("X-Lift-Signature", WebhookSignature.Compute(secret, timestamp, body));
        }
        using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptTimeout.CancelAfter(_options.AttemptTimeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptTimeout.Token).ConfigureAwait(false);
            int code = (int)response.StatusCode;
            if (code is >= 200 and < 300)
            {
                return new AttemptResult(true, false, code, null, "");
            }
            bool retryable = code >= 500 || code == 429;
            var retryAfter = code is 429 or 503 ? RetryAfter(response.Headers.RetryAfter) : null;
            return new AttemptResult(false, retryable, code, retryAfter, $"{SubscriberUrl.Redact(subscriber.Url)} answered {code} {response.ReasonPhrase}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Not retried within the call: a slow receiver may still act on it, and it would get a copy per retry.
            return new AttemptResult(false, false, null, null, $"{SubscriberUrl.Redact(subscriber.Url)} did not answer within {_options.AttemptTimeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e) when (Refused(e) is { } refused)
        {
            return new AttemptResult(false, false, null, null, WebhookTarget.Describe(subscriber.Url, refused.Message));
        }
        catch (HttpRequestException e)
        {
            return new AttemptResult(false, true, null, null, $"could not reach {SubscriberUrl.Redact(subscriber.Url)}: {e.Message}");
        }
    }

    private static WebhookTargetRefusedException? Refused(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is WebhookTargetRefusedException refused)
            {
                return refused;
            }
        }
        return null;
    }

    /// <summary>Full jitter: uniform on [0, min(MaxDelay, BaseDelay · 2^(attempt−1))].</summary>
    private TimeSpan Backoff(int attempt)
    {
        double cap = Math.Min(_options.MaxDelay.Ticks, _options.BaseDelay.Ticks * Math.Pow(2, attempt - 1));
        double draw;
        lock (_randomLock)
        {
            draw = _random.NextDouble();
        }
        return TimeSpan.FromTicks((long)(draw * cap));
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > _clock.GetUtcNow() ? date - _clock.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} to {Subscriber}: attempt {Attempt} failed, retrying in {DelayMs} ms: {Error}")]
    private partial void LogRetry(string alertId, string subscriber, int attempt, double delayMs, string error);

    private readonly record struct AttemptResult(bool Delivered, bool Retryable, int? StatusCode, TimeSpan? RetryAfter, string Error);
}
