using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Alerts;

/// <summary>
/// Sends what the outbox holds (<see cref="AlertOutbox"/>): each due <c>outbox/{alertId}/{subscriber}.json</c> entry is
/// sent to the subscriber of that name in the campaign's <b>current</b> campaign.json, and only when the alert's bytes
/// still hash to the SHA-256 the pipeline stored in the entry. Nothing in <c>alerts/</c> says where to send.
/// <para>
/// Protocol, per entry: (1) skip it while claimed by another deliverer or before its next attempt time; (2) verify the
/// alert and resolve the subscriber — a subscriber no longer listed, or an alert whose bytes changed, settles the
/// delivery as <c>cancelled</c> without sending; (3) claim it by writing <c>sending</c> with If-Match on the ETag just
/// read, so of two concurrent deliverers only one sends; (4) after the sink's answer either settle it as
/// <c>delivered</c>, or — after <see cref="AlertDeliveryOptions.MaxAttempts"/> attempts (passes) in all — as
/// <c>dead-lettered</c> with a <c>delivery</c> alert of its own, or put it back as <c>pending</c> with an exponential
/// backoff across runs. Settling writes <c>alerts/deliveries/{alertId}/{subscriber}.json</c> and then deletes the
/// entry, so the outbox only ever lists work still due.
/// </para>
/// <para>
/// The guarantee is at-least-once with duplicates confined to one window: a crash between the subscriber's 2xx and
/// step 4 leaves the entry <c>sending</c>; once the claim lapses (<see cref="AlertDeliveryOptions.ClaimDuration"/>) the
/// next run sends again. Receivers dedupe on the <c>X-Lift-Alert-Id</c> header.
/// </para>
/// Thread-safe; instances sharing one store may run concurrently in one or many processes.
/// </summary>
public sealed class AlertDelivery
{
    /// <summary>The guardrail name of the alert raised when a delivery is dead-lettered.</summary>
    public const string DeliveryGuardrail = "delivery";

    /// <summary>The finding kind of a dead-letter alert (part of its id).</summary>
    public const string DeadLetteredFinding = "dead-lettered";

    private readonly IObjectStore _store;
    private readonly IAlertSink _sink;
    private readonly TimeProvider _clock;
    private readonly AlertDeliveryOptions _options;

    /// <summary>Creates a deliverer over <paramref name="store"/> (alerts, outbox and records) and <paramref name="sink"/> (the sending).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public AlertDelivery(IObjectStore store, IAlertSink sink, TimeProvider clock, AlertDeliveryOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _options = options ?? new AlertDeliveryOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.ClaimDuration, TimeSpan.Zero, "AlertDeliveryOptions.ClaimDuration");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxAttempts, 1, "AlertDeliveryOptions.MaxAttempts");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.FirstRetryDelay, TimeSpan.Zero, "AlertDeliveryOptions.FirstRetryDelay");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxRetryDelay, _options.FirstRetryDelay, "AlertDeliveryOptions.MaxRetryDelay");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.TimeBudget, TimeSpan.Zero, "AlertDeliveryOptions.TimeBudget");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxParallelDeliveries, 1, "AlertDeliveryOptions.MaxParallelDeliveries");
    }

    /// <summary>Stores the alert at <see cref="Alert.StoragePath"/> without queueing any delivery (see <see cref="AlertOutbox.RaiseAsync"/>). Returns the path.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public Task<string> StoreAsync(Alert alert, CancellationToken cancellationToken = default) =>
        AlertOutbox.RaiseAsync(_store, alert, [], _clock.GetUtcNow(), cancellationToken);

    /// <summary>
    /// Raises the alert for <paramref name="subscribers"/> (the caller's own list, e.g. from campaign.json just read) and
    /// delivers it to each in turn. One outcome per subscriber, in order.
    /// </summary>
    /// <exception cref="ObjectStoreException">The store failed; deliveries not yet settled stay in the outbox.</exception>
    public async Task<IReadOnlyList<DeliveryOutcome>> DeliverAsync(Alert alert, IReadOnlyList<AlertSubscriber> subscribers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        await AlertOutbox.RaiseAsync(_store, alert, subscribers, _clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var outcomes = new List<DeliveryOutcome>(subscribers.Count);
        foreach (var subscriber in subscribers)
        {
            var result = await DeliverEntryAsync(StoreLayout.OutboxEntry(alert.Id, subscriber.Name), subscriber, CancellationToken.None, cancellationToken).ConfigureAwait(false);
            outcomes.Add(result?.Outcome ?? new DeliveryOutcome(DeliveryStatus.Pending, 0, null, $"nothing due for '{subscriber.Name}': another deliverer settled it"));
        }
        return outcomes;
    }

    /// <summary>Raises the alert for one subscriber and delivers it. Already delivered → Delivered with 0 attempts and nothing sent.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<DeliveryOutcome> DeliverAsync(Alert alert, AlertSubscriber subscriber, CancellationToken cancellationToken = default) =>
        (await DeliverAsync(alert, [subscriber], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Delivers every due outbox entry — of one alert when <paramref name="alertId"/> is given — concurrently (at most
    /// <see cref="AlertDeliveryOptions.MaxParallelDeliveries"/> at once) within <see cref="AlertDeliveryOptions.TimeBudget"/>;
    /// what the budget leaves stays due for the next run. Dead-letter alerts raised on the way are delivered in the same
    /// call. Entries not yet due (backoff) or claimed by another deliverer are skipped without a result.
    /// </summary>
    /// <remarks>An entry or alert that cannot be read is reported as a Pending result (AlertId = the entry's object name,
    /// Subscriber empty, Error naming the object) and left in place; the other deliveries go ahead.</remarks>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<IReadOnlyList<PendingDeliveryResult>> DeliverDueAsync(string? alertId = null, CancellationToken cancellationToken = default)
    {
        using var budget = new CancellationTokenSource(_options.TimeBudget, _clock);
        var results = new List<PendingDeliveryResult>();
        var prefixes = new List<string> { alertId is null ? StoreLayout.OutboxPrefix : StoreLayout.OutboxOf(alertId) };
        // Two rounds at most: the second sends the dead-letter alerts the first one raised.
        for (int round = 0; round < 2 && prefixes.Count > 0; round++)
        {
            var names = new List<string>();
            foreach (var prefix in prefixes)
            {
                await foreach (var item in _store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
                {
                    names.Add(item.Name);
                }
            }
            var found = new PendingDeliveryResult?[names.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, names.Count),
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelDeliveries, CancellationToken = cancellationToken },
                async (i, token) => found[i] = await DeliverEntryAsync(names[i], null, budget.Token, token).ConfigureAwait(false)).ConfigureAwait(false);
            prefixes.Clear();
            foreach (var result in found)
            {
                if (result is null)
                {
                    continue;
                }
                results.Add(result);
                if (result.RaisedAlertId is { } raised)
                {
                    prefixes.Add(StoreLayout.OutboxOf(raised));
                }
            }
        }
        return results;
    }

    /// <summary>The next-run redelivery: <see cref="DeliverDueAsync"/> over the whole outbox.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public Task<IReadOnlyList<PendingDeliveryResult>> DeliverPendingAsync(CancellationToken cancellationToken = default) =>
        DeliverDueAsync(null, cancellationToken);

    /// <summary>The delivery record for (alert, subscriber): the outbox entry while due, else the settled record; null when delivery was never started.</summary>
    /// <exception cref="AlertFormatException">The record is unreadable.</exception>
    public async Task<DeliveryRecord?> ReadRecordAsync(string alertId, string subscriber, CancellationToken cancellationToken = default)
    {
        foreach (var name in new[] { StoreLayout.OutboxEntry(alertId, subscriber), StoreLayout.Delivery(alertId, subscriber) })
        {
            var stored = await _store.ReadAsync(name, cancellationToken).ConfigureAwait(false);
            if (stored is not null)
            {
                return DeliveryRecord.Parse(stored.Content.Span, name);
            }
        }
        return null;
    }

    /// <summary>
    /// Works one outbox entry. <paramref name="subscriber"/> is the caller's resolved subscriber, or null to look it up in
    /// the current campaign.json. Null result: nothing was due (absent, or waiting for its next attempt time).
    /// </summary>
    private async Task<PendingDeliveryResult?> DeliverEntryAsync(string name, AlertSubscriber? subscriber, CancellationToken budget, CancellationToken cancellationToken)
    {
        if (!StoreLayout.TryParseOutboxEntry(name, out var alertId, out var subscriberName))
        {
            return Unreadable(name, $"{name}: not an outbox entry (outbox/{{alertId}}/{{subscriber}}.json); delete it");
        }
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var stored = await _store.ReadAsync(name, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                return await SettledResultAsync(alertId, subscriberName, cancellationToken).ConfigureAwait(false);
            }
            DeliveryRecord record;
            try
            {
                record = DeliveryRecord.Parse(stored.Content.Span, name);
                if (record.AlertId != alertId || record.Subscriber.Name != subscriberName)
                {
                    throw new AlertFormatException(name, $"names alert {record.AlertId} for '{record.Subscriber.Name}', not what its object name says; delete it");
                }
            }
            catch (AlertFormatException e)
            {
                return Unreadable(name, e.Message);
            }
            var now = _clock.GetUtcNow();
            if (record.State == DeliveryState.Sending && record.ClaimedUntil is { } until && until > now)
            {
                if (subscriber is null)
                {
                    return null;   // a scan leaves another deliverer's claim alone, without a result
                }
                return Result(record, new DeliveryOutcome(DeliveryStatus.Pending, 0, record.LastStatusCode,
                    $"another deliverer is sending it to '{subscriberName}' (claim until {AlertJson.FormatTime(until)}); not sent twice"));
            }
            if (record.IsSettled)
            {
                return await SettleAsync(name, record, null).ConfigureAwait(false);
            }
            if (subscriber is null && record.NextAttemptAt is { } next && next > now)
            {
                return null;
            }
            if (budget.IsCancellationRequested)
            {
                return Result(record, new DeliveryOutcome(DeliveryStatus.Pending, 0, record.LastStatusCode, $"left for the next run: this run's delivery time budget ({_options.TimeBudget.TotalSeconds:0.###} s) ran out"));
            }

            var (alert, problem) = await VerifiedAlertAsync(record, cancellationToken).ConfigureAwait(false);
            if (alert is null)
            {
                return await SettleAsync(name, record with { State = DeliveryState.Cancelled, ClaimedUntil = null, LastError = problem, UpdatedAt = now }, null).ConfigureAwait(false);
            }
            AlertSubscriber target;
            if (subscriber is not null)
            {
                target = subscriber;
            }
            else
            {
                CampaignConfig? config;
                try
                {
                    config = (await _store.ReadCampaignConfigAsync(alert.Campaign, cancellationToken).ConfigureAwait(false)).ConfigOrNull();
                }
                catch (CampaignConfigException e)
                {
                    return Result(record, new DeliveryOutcome(DeliveryStatus.Pending, 0, record.LastStatusCode, $"not sent: {e.Message}"));
                }
                var listed = AlertOutbox.Receiver(config, alert, subscriberName);
                if (listed is null)
                {
                    var reason = $"'{subscriberName}' is no longer a{(alert.IsDigest ? " digest" : "n alert")} subscriber in {StoreLayout.CampaignConfig(alert.Campaign)}; not sent";
                    return await SettleAsync(name, record with { State = DeliveryState.Cancelled, ClaimedUntil = null, LastError = reason, UpdatedAt = now }, null).ConfigureAwait(false);
                }
                target = listed;
            }

            var claimed = record with { Subscriber = target, State = DeliveryState.Sending, ClaimedUntil = now + _options.ClaimDuration, UpdatedAt = now };
            string claimETag;
            try
            {
                claimETag = await _store.WriteAsync(name, claimed.ToJson(), stored.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectStoreException e) when (e.Code == ObjectStoreException.PreconditionFailed)
            {
                // Someone changed the entry between our read and write: read again and decide anew.
                continue;
            }
            return await SendAsync(name, alert, target, claimed, claimETag, budget, cancellationToken).ConfigureAwait(false);
        }
        return new PendingDeliveryResult(alertId, subscriberName, new DeliveryOutcome(DeliveryStatus.Pending, 0, null, $"could not claim {name}: it kept changing under concurrent writers"));
    }

    private async Task<PendingDeliveryResult> SendAsync(string name, Alert alert, AlertSubscriber subscriber, DeliveryRecord claimed, string claimETag,
        CancellationToken budget, CancellationToken cancellationToken)
    {
        DeliveryOutcome outcome;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget, cancellationToken);
        try
        {
            outcome = await _sink.DeliverAsync(alert, subscriber, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var message = $"left for the next run: this run's delivery time budget ({_options.TimeBudget.TotalSeconds:0.###} s) ran out while sending";
            await TryReleaseAsync(name, claimed with { State = DeliveryState.Pending, ClaimedUntil = null, LastError = message, UpdatedAt = _clock.GetUtcNow() }, claimETag).ConfigureAwait(false);
            return Result(claimed, new DeliveryOutcome(DeliveryStatus.Pending, 0, claimed.LastStatusCode, message));
        }
        catch (Exception e)
        {
            // Hand the claim back so the next run retries at once instead of waiting for it to lapse.
            await TryReleaseAsync(name, claimed with { State = DeliveryState.Pending, ClaimedUntil = null, LastError = $"delivery interrupted: {e.Message}", UpdatedAt = _clock.GetUtcNow() }, claimETag).ConfigureAwait(false);
            throw;
        }

        var now = _clock.GetUtcNow();
        int attempts = checked(claimed.Attempts + outcome.Attempts);
        int tries = checked(claimed.Tries + 1);
        var after = claimed with { Attempts = attempts, Tries = tries, LastStatusCode = outcome.LastStatusCode ?? claimed.LastStatusCode, ClaimedUntil = null, UpdatedAt = now };
        if (outcome.Status == DeliveryStatus.Delivered)
        {
            await SettleAsync(name, after with { State = DeliveryState.Delivered, LastError = null, DeliveredAt = now, NextAttemptAt = null }, null).ConfigureAwait(false);
            return Result(claimed, outcome);
        }
        if (tries >= _options.MaxAttempts)
        {
            var dead = after with { State = DeliveryState.DeadLettered, LastError = outcome.Error, NextAttemptAt = null };
            var raised = alert.Guardrail == DeliveryGuardrail ? null : await RaiseDeadLetterAlertAsync(alert, dead, CancellationToken.None).ConfigureAwait(false);
            var settled = await SettleAsync(name, dead, raised).ConfigureAwait(false);
            return settled with { Outcome = settled.Outcome with { Attempts = outcome.Attempts } };
        }
        var retry = after with { State = DeliveryState.Pending, LastError = outcome.Error, NextAttemptAt = now + RetryDelay(tries) };
        await TryReleaseAsync(name, retry, claimETag).ConfigureAwait(false);
        return Result(claimed, outcome with { Error = $"{outcome.Error}; next attempt after {AlertJson.FormatTime(retry.NextAttemptAt!.Value)} (attempt {tries} of {_options.MaxAttempts})" });
    }

    /// <summary>Exponential backoff across runs: FirstRetryDelay × 2^(tries−1), at most MaxRetryDelay.</summary>
    private TimeSpan RetryDelay(int tries)
    {
        var delay = _options.FirstRetryDelay;
        for (int i = 1; i < tries && delay < _options.MaxRetryDelay; i++)
        {
            delay += delay;
        }
        return delay < _options.MaxRetryDelay ? delay : _options.MaxRetryDelay;
    }

    /// <summary>The alert an entry names, when its bytes still hash to what the pipeline wrote; else null and why.</summary>
    private async Task<(Alert? Alert, string Problem)> VerifiedAlertAsync(DeliveryRecord record, CancellationToken cancellationToken)
    {
        if (record.AlertSha256 is null || !StoreLayout.IsAlert(record.AlertPath))
        {
            return (null, $"the entry does not hold the hash of a stored alert; not sent");
        }
        var content = await _store.ReadAsync(record.AlertPath, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return (null, $"{record.AlertPath} is missing; not sent");
        }
        if (!string.Equals(AlertOutbox.Sha256(content.Content.Span), record.AlertSha256, StringComparison.Ordinal))
        {
            return (null, $"{record.AlertPath} is not the alert the pipeline wrote (its SHA-256 changed); not sent");
        }
        try
        {
            var alert = AlertJson.Read(content.Content.Span, record.AlertPath);
            return alert.Id == record.AlertId ? (alert, "") : (null, $"{record.AlertPath} holds alert {alert.Id}, not {record.AlertId}; not sent");
        }
        catch (AlertFormatException e)
        {
            return (null, $"{e.Message}; not sent");
        }
    }

    /// <summary>Raises the <c>delivery</c> alert for a dead-lettered delivery, for the campaign's other current subscribers. Returns its id.</summary>
    private async Task<string> RaiseDeadLetterAlertAsync(Alert alert, DeliveryRecord dead, CancellationToken cancellationToken)
    {
        string subscriber = dead.Subscriber.Name;
        var notice = new Alert(
            Alert.CreateId(alert.Campaign, DeliveryGuardrail, $"{alert.Id}|{subscriber}", DeadLetteredFinding),
            alert.Campaign,
            DeliveryGuardrail,
            AlertSeverity.Breach,
            $"Alert {alert.Id} ({alert.Guardrail}) was not delivered to '{subscriber}' after {dead.Tries} attempts ({dead.Attempts} requests) and will not be retried; last error: {dead.LastError}. Check the subscriber's webhook; the record is {StoreLayout.Delivery(alert.Id, subscriber)}.",
            new Dictionary<string, double> { ["attempts"] = dead.Tries, ["requests"] = dead.Attempts },
            _clock.GetUtcNow(),
            alert.RunId,
            StoreLayout.Delivery(alert.Id, subscriber));
        var others = new List<AlertSubscriber>();
        foreach (var s in await AlertOutbox.SubscribersAsync(_store, alert.Campaign, cancellationToken).ConfigureAwait(false))
        {
            if (!string.Equals(s.Name, subscriber, StringComparison.Ordinal))
            {
                others.Add(s);
            }
        }
        await AlertOutbox.RaiseAsync(_store, notice, others, _clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return notice.Id;
    }

    /// <summary>Writes the settled record to <c>alerts/deliveries/</c>, then removes the outbox entry (the index of due work).</summary>
    private async Task<PendingDeliveryResult> SettleAsync(string name, DeliveryRecord settled, string? raised)
    {
        // Not cancellable: once a request was made its outcome must be recorded.
        await _store.WriteAsync(StoreLayout.Delivery(settled.AlertId, settled.Subscriber.Name), settled.ToJson(), ifMatch: null, CancellationToken.None).ConfigureAwait(false);
        await _store.DeleteAsync(name, CancellationToken.None).ConfigureAwait(false);
        return Result(settled, Outcome(settled, raised)) with { RaisedAlertId = raised };
    }

    private async Task<PendingDeliveryResult?> SettledResultAsync(string alertId, string subscriber, CancellationToken cancellationToken)
    {
        var name = StoreLayout.Delivery(alertId, subscriber);
        var stored = await _store.ReadAsync(name, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }
        try
        {
            var record = DeliveryRecord.Parse(stored.Content.Span, name);
            return record.IsSettled ? Result(record, Outcome(record, null) with { Attempts = 0 }) : null;
        }
        catch (AlertFormatException e)
        {
            return Unreadable(name, e.Message);
        }
    }

    private DeliveryOutcome Outcome(DeliveryRecord settled, string? raised) => settled.State switch
    {
        DeliveryState.Delivered => new DeliveryOutcome(DeliveryStatus.Delivered, 0, settled.LastStatusCode,
            $"already delivered to '{settled.Subscriber.Name}' at {AlertJson.FormatTime(settled.DeliveredAt ?? settled.UpdatedAt)}; not sent again"),
        DeliveryState.DeadLettered => new DeliveryOutcome(DeliveryStatus.DeadLettered, 0, settled.LastStatusCode,
            $"dead-lettered after {settled.Tries} attempts ({settled.Attempts} requests; at most {_options.MaxAttempts} attempts): {settled.LastError}" + (raised is null ? "" : $"; delivery alert {raised} raised")),
        _ => new DeliveryOutcome(DeliveryStatus.Cancelled, 0, settled.LastStatusCode, settled.LastError),
    };

    private async Task TryReleaseAsync(string name, DeliveryRecord record, string ifMatch)
    {
        try
        {
            // Not cancellable: the outcome of a request already made must be recorded.
            await _store.WriteAsync(name, record.ToJson(), ifMatch, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectStoreException)
        {
            // Our claim lapsed and someone took over, or the store is failing: the claim lapses on its own.
        }
    }

    private static PendingDeliveryResult Result(DeliveryRecord record, DeliveryOutcome outcome) => new(record.AlertId, record.Subscriber.Name, outcome);

    private static PendingDeliveryResult Unreadable(string name, string message) => new(name, "", new DeliveryOutcome(DeliveryStatus.Pending, 0, null, message));
}

/// <summary>Settings of <see cref="AlertDelivery"/>.</summary>
public sealed record AlertDeliveryOptions
{
    /// <summary>
    /// How long a deliverer's claim on a (alert, subscriber) lasts before another may take over. Must exceed the
    /// sink's worst-case time for one call (attempts × timeout + backoff). Default 15 minutes.
    /// </summary>
    public TimeSpan ClaimDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Delivery attempts to one subscriber for one alert — one per pass that sends it (each making up to the sink's own
    /// retries within the call) or finds its target refused — before the delivery is dead-lettered. Default 8: with the
    /// default backoff a subscriber is given about ten and a half hours.
    /// </summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>The wait before the next run retries a failed delivery; doubles with each attempt used. Default 5 minutes.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest wait between retries across runs. Default 1 day.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How long one pass may spend delivering; what is left stays due for the next run. Default 60 seconds.</summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Deliveries in flight at once. Default 8.</summary>
    public int MaxParallelDeliveries { get; init; } = 8;
}

/// <summary>One delivery worked by <see cref="AlertDelivery.DeliverDueAsync"/>.</summary>
/// <param name="AlertId">The alert (or, for an unreadable entry, its object name).</param>
/// <param name="Subscriber">The subscriber's name (empty for an unreadable entry).</param>
/// <param name="Outcome">What happened.</param>
public sealed record PendingDeliveryResult(string AlertId, string Subscriber, DeliveryOutcome Outcome)
{
    /// <summary>The id of the <c>delivery</c> alert raised because this delivery was dead-lettered, if any.</summary>
    public string? RaisedAlertId { get; init; }
}
