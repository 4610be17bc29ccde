namespace LiftPipeline.Pipeline.Alerts;

/// <summary>
/// The pipeline's port for sending one alert to one subscriber (a webhook in LiftPipeline.Infrastructure). A sink makes
/// its own retries within one call and reports the outcome; it never throws for delivery failures, only for
/// cancellation. It does not remember what it sent: "at most once per subscriber" is <c>AlertDelivery</c>'s job.
/// Implementations are thread-safe.
/// </summary>
public interface IAlertSink
{
    /// <summary>Sends <paramref name="alert"/> to <paramref name="subscriber"/>, retrying transient failures.</summary>
    /// <returns><see cref="DeliveryStatus.Delivered"/> once the subscriber acknowledged it; otherwise <see cref="DeliveryStatus.Pending"/> with the last error.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<DeliveryOutcome> DeliverAsync(Alert alert, AlertSubscriber subscriber, CancellationToken cancellationToken);
}

/// <summary>Someone who wants a campaign's alerts.</summary>
/// <param name="Name">Unique name; used in object names, so letters, digits, '.', '-' and '_'.</param>
/// <param name="Url">The webhook that receives a POST per alert.</param>
/// <param name="SecretName">Name of the signing secret in the sink's configuration, or null to send unsigned.</param>
public sealed record AlertSubscriber(string Name, Uri Url, string? SecretName);

/// <summary>Whether a subscriber has the alert.</summary>
public enum DeliveryStatus
{
    /// <summary>The subscriber acknowledged the alert (a 2xx answer).</summary>
    Delivered,

    /// <summary>Not delivered yet; kept and retried by the next run.</summary>
    Pending,

    /// <summary>Never delivered: every allowed attempt failed; a <c>delivery</c> alert was raised. Never returned by a sink.</summary>
    DeadLettered,

    /// <summary>Not sent and never will be (the subscriber left campaign.json, or the alert changed). Never returned by a sink.</summary>
    Cancelled,
}

/// <summary>The result of one delivery call.</summary>
/// <param name="Status">Delivered or still pending.</param>
/// <param name="Attempts">Requests made by this call (0 when nothing was sent, e.g. already delivered).</param>
/// <param name="LastStatusCode">The last HTTP status received, or null when no answer came.</param>
/// <param name="Error">Why it is still pending (or a note on a skipped call); null on a clean delivery.</param>
public sealed record DeliveryOutcome(DeliveryStatus Status, int Attempts, int? LastStatusCode, string? Error)
{
    /// <summary>The status as shown and logged: <c>delivered</c>, <c>pending</c>, <c>dead-lettered</c> or <c>cancelled</c>.</summary>
    public string StatusText => Status == DeliveryStatus.DeadLettered ? "dead-lettered" : Status.ToString().ToLowerInvariant();
}
