using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Alerts;

/// <summary>
/// Stores alerts and delivers each to each subscriber at most once per successful acknowledgement, keeping a
/// <see cref="DeliveryRecord"/> per (alert, subscriber) so that nothing is dropped and nothing acknowledged is sent again.
/// <para>
/// Protocol, per (alert, subscriber): (1) create the record as <c>pending</c> if absent (TryCreate), so a crash later
/// still leaves something for <see cref="DeliverPendingAsync"/>; (2) skip if it says <c>delivered</c>, or <c>sending</c>
/// with an unexpired claim; (3) claim it by writing <c>sending</c> with If-Match on the ETag just read — of two
/// concurrent deliverers only one wins the claim and sends; (4) after the sink's answer write <c>delivered</c> or
/// <c>pending</c> with If-Match on the claim's ETag.
/// </para>
/// <para>
/// The guarantee is at-least-once with duplicates confined to one window: a crash (or a store outage) between the
/// subscriber's 2xx and step 4 leaves the record <c>sending</c>; once the claim lapses
/// (<see cref="AlertDeliveryOptions.ClaimDuration"/>) the next run sends again. Receivers dedupe on the
/// <c>X-Lift-Alert-Id</c> header. A deliverer that overruns its claim may also overlap with the one that took over.
/// </para>
/// Thread-safe; instances sharing one store may run concurrently in one or many processes.
/// </summary>
public sealed class AlertDelivery
{
    private readonly IObjectStore _store;
    private readonly IAlertSink _sink;
    private readonly TimeProvider _clock;
    private readonly AlertDeliveryOptions _options;

    /// <summary>Creates a deliverer over <paramref name="store"/> (alerts and records) and <paramref name="sink"/> (the sending).</summary>
    public AlertDelivery(IObjectStore store, IAlertSink sink, TimeProvider clock, AlertDeliveryOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _options = options ?? new AlertDeliveryOptions();
        if (_options.ClaimDuration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.ClaimDuration, "ClaimDuration must be positive");
        }
    }

    /// <summary>
    /// Stores the alert at <see cref="Alert.StoragePath"/> unless an alert with that id is already there (same id, same
    /// input: the stored one stands). Returns the path.
    /// </summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<string> StoreAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var path = alert.StoragePath;
        await _store.TryCreateAsync(path, AlertJson.Write(alert), cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary>Stores the alert, then delivers it to each subscriber in turn (see the class summary). One outcome per subscriber, in order.</summary>
    /// <exception cref="ObjectStoreException">The store failed; deliveries not yet recorded stay pending or claimed.</exception>
    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(Alert alert, IReadOnlyList<AlertSubscriber> subscribers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        var path = await StoreAsync(alert, cancellationToken).ConfigureAwait(false);
        var outcomes = new List<DeliveryOutcome>(subscribers.Count);
        foreach (var subscriber in subscribers)
        {
            outcomes.Add(await DeliverStoredAsync(alert, path, subscriber, cancellationToken).ConfigureAwait(false));
        }
        return outcomes;
    }

    /// <summary>Stores the alert and delivers it to one subscriber. Already delivered → Delivered with 0 attempts and nothing sent.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<DeliveryOutcome> DeliverAsync(Alert alert, AlertSubscriber subscriber, CancellationToken cancellationToken = default)
    {
        var path = await StoreAsync(alert, cancellationToken).ConfigureAwait(false);
        return await DeliverStoredAsync(alert, path, subscriber, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The next-run redelivery: retries every delivery whose record is <c>pending</c>, or <c>sending</c> with a lapsed
    /// claim, to the subscriber recorded with it. Delivered records are skipped. Returns what was attempted.
    /// </summary>
    /// <remarks>A record or alert that cannot be read is reported as a Pending result (AlertId = the record's object name,
    /// Subscriber empty, Error naming the object) and left in place; the other deliveries go ahead.</remarks>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<IReadOnlyList<PendingDeliveryResult>> DeliverPendingAsync(CancellationToken cancellationToken = default)
    {
        var results = new List<PendingDeliveryResult>();
        await foreach (var item in _store.ListAsync(StoreLayout.DeliveriesPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (!ObjectName.IsValid(item.Name))
            {
                // Listings show names the pipeline never writes; reported like an unreadable record, and the rest goes on.
                results.Add(new PendingDeliveryResult(item.Name, "", new DeliveryOutcome(DeliveryStatus.Pending, 0, null,
                    $"{item.Name} is not a delivery record (its name is outside the store's rules); move it out of {StoreLayout.DeliveriesPrefix}")));
                continue;
            }
            var stored = await _store.ReadAsync(item.Name, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                continue;
            }
            DeliveryRecord record;
            Alert alert;
            try
            {
                record = DeliveryRecord.Parse(stored.Content.Span, item.Name);
                if (!IsDue(record))
                {
                    continue;
                }
                var alertContent = await _store.ReadAsync(record.AlertPath, cancellationToken).ConfigureAwait(false)
                    ?? throw new AlertFormatException(record.AlertPath, $"delivery record {item.Name} refers to this alert, which is missing; restore it or delete the record");
                alert = AlertJson.Read(alertContent.Content.Span, record.AlertPath);
            }
            catch (AlertFormatException e)
            {
                // One unreadable record must not hold up every other delivery; it is reported and left in place.
                results.Add(new PendingDeliveryResult(item.Name, "", new DeliveryOutcome(DeliveryStatus.Pending, 0, null, e.Message)));
                continue;
            }
            var outcome = await DeliverStoredAsync(alert, record.AlertPath, record.Subscriber, cancellationToken).ConfigureAwait(false);
            results.Add(new PendingDeliveryResult(alert.Id, record.Subscriber.Name, outcome));
        }
        return results;
    }

    /// <summary>The stored delivery record for (alert, subscriber), or null when delivery was never started.</summary>
    /// <exception cref="AlertFormatException">The record is unreadable.</exception>
    public async Task<DeliveryRecord?> ReadRecordAsync(string alertId, string subscriber, CancellationToken cancellationToken = default)
    {
        var name = StoreLayout.Delivery(alertId, subscriber);
        var stored = await _store.ReadAsync(name, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : DeliveryRecord.Parse(stored.Content.Span, name);
    }

    private bool IsDue(DeliveryRecord record) => record.State switch
    {
        DeliveryState.Pending => true,
        DeliveryState.Sending => record.ClaimedUntil is not { } until || until <= _clock.GetUtcNow(),
        _ => false,
    };

    private async Task<DeliveryOutcome> DeliverStoredAsync(Alert alert, string alertPath, AlertSubscriber subscriber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        var name = StoreLayout.Delivery(alert.Id, subscriber.Name);
        var fresh = new DeliveryRecord(alert.Id, alertPath, subscriber, DeliveryState.Pending, 0, null, null, null, null, _clock.GetUtcNow());
        await _store.TryCreateAsync(name, fresh.ToJson(), cancellationToken).ConfigureAwait(false);

        var (claimed, claimETag, skipped) = await ClaimAsync(name, subscriber, cancellationToken).ConfigureAwait(false);
        if (skipped is not null)
        {
            return skipped;
        }

        DeliveryOutcome outcome;
        try
        {
            outcome = await _sink.DeliverAsync(alert, subscriber, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Hand the claim back so the next run retries at once instead of waiting for it to lapse.
            var released = claimed! with { State = DeliveryState.Pending, ClaimedUntil = null, LastError = $"delivery interrupted: {e.Message}", UpdatedAt = _clock.GetUtcNow() };
            try
            {
                await TryWriteAsync(name, released, claimETag).ConfigureAwait(false);
            }
            catch (ObjectStoreException)
            {
                // The store is failing too; the claim lapses on its own and the original error matters more.
            }
            throw;
        }

        var now = _clock.GetUtcNow();
        bool delivered = outcome.Status == DeliveryStatus.Delivered;
        var final = claimed! with
        {
            State = delivered ? DeliveryState.Delivered : DeliveryState.Pending,
            Attempts = checked(claimed.Attempts + outcome.Attempts),
            LastStatusCode = outcome.LastStatusCode ?? claimed.LastStatusCode,
            LastError = delivered ? null : outcome.Error,
            ClaimedUntil = null,
            DeliveredAt = delivered ? now : null,
            UpdatedAt = now,
        };
        if (!await TryWriteAsync(name, final, claimETag).ConfigureAwait(false) && delivered)
        {
            // Our claim lapsed and someone took over; record the acknowledgement anyway so later runs skip it.
            await _store.WriteAsync(name, final.ToJson(), ifMatch: null, CancellationToken.None).ConfigureAwait(false);
        }
        return outcome;
    }

    /// <summary>Claims the record (pending → sending) by If-Match; or returns the outcome of skipping it.</summary>
    private async Task<(DeliveryRecord? Claimed, string ETag, DeliveryOutcome? Skipped)> ClaimAsync(string name, AlertSubscriber subscriber, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var stored = await _store.ReadAsync(name, cancellationToken).ConfigureAwait(false)
                ?? throw new ObjectStoreException(ObjectStoreException.Unavailable, name, "the delivery record vanished right after it was created; check that nothing else deletes alerts/deliveries/");
            var record = DeliveryRecord.Parse(stored.Content.Span, name);
            var now = _clock.GetUtcNow();
            if (record.State == DeliveryState.Delivered)
            {
                return (null, "", new DeliveryOutcome(DeliveryStatus.Delivered, 0, record.LastStatusCode,
                    $"already delivered to '{subscriber.Name}' at {AlertJson.FormatTime(record.DeliveredAt ?? record.UpdatedAt)}; not sent again"));
            }
            if (record.State == DeliveryState.Sending && record.ClaimedUntil is { } until && until > now)
            {
                return (null, "", new DeliveryOutcome(DeliveryStatus.Pending, 0, record.LastStatusCode,
                    $"another deliverer is sending it to '{subscriber.Name}' (claim until {AlertJson.FormatTime(until)}); not sent twice"));
            }
            var claimed = record with { Subscriber = subscriber, State = DeliveryState.Sending, ClaimedUntil = now + _options.ClaimDuration, UpdatedAt = now };
            try
            {
                var etag = await _store.WriteAsync(name, claimed.ToJson(), stored.ETag, cancellationToken).ConfigureAwait(false);
                return (claimed, etag, null);
            }
            catch (ObjectStoreException e) when (e.Code == ObjectStoreException.PreconditionFailed)
            {
                // Someone changed the record between our read and write: read again and decide anew.
            }
        }
        return (null, "", new DeliveryOutcome(DeliveryStatus.Pending, 0, null, $"could not claim {name}: it kept changing under concurrent writers"));
    }

    private async Task<bool> TryWriteAsync(string name, DeliveryRecord record, string ifMatch)
    {
        try
        {
            // Not cancellable: the outcome of a request already made must be recorded.
            await _store.WriteAsync(name, record.ToJson(), ifMatch, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (ObjectStoreException e) when (e.Code == ObjectStoreException.PreconditionFailed)
        {
            return false;
        }
    }
}

/// <summary>Settings of <see cref="AlertDelivery"/>.</summary>
public sealed record AlertDeliveryOptions
{
    /// <summary>
    /// How long a deliverer's claim on a (alert, subscriber) lasts before another may take over. Must exceed the
    /// sink's worst-case time for one call (attempts × timeout + backoff). Default 15 minutes.
    /// </summary>
    public TimeSpan ClaimDuration { get; init; } = TimeSpan.FromMinutes(15);
}

/// <summary>One delivery attempted by <see cref="AlertDelivery.DeliverPendingAsync"/>.</summary>
public sealed record PendingDeliveryResult(string AlertId, string Subscriber, DeliveryOutcome Outcome);
