using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Alerts;

/// <summary>Delivery records live in a real <see cref="FolderStore"/>, whose conditional writes the claims rely on.</summary>
public sealed class AlertDeliveryTests : IDisposable
{
    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    private FolderStore NewStore() => new(Path.Combine(_root.FullName, Guid.NewGuid().ToString("N")));

    /// <summary>The sample alert's campaign.json listing <paramref name="subscribers"/>: redelivery sends only to those it lists.</summary>
    private static Task ListAsync(IObjectStore store, params AlertSubscriber[] subscribers) =>
        store.WriteAsync(StoreLayout.CampaignConfig(AlertTestKit.SampleAlert().Campaign),
            System.Text.Encoding.UTF8.GetBytes(Faults.FaultScenario.CampaignJson("spring-geo", subscribers.Select(s => (s.Name, s.Url)).ToArray())));

    [Fact]
    public async Task An_alert_for_a_receiver_that_is_down_stays_pending_and_the_next_run_delivers_it_exactly_once()
    {
        using var kit = new AlertTestKit();
        var store = NewStore();
        var delivery = new AlertDelivery(store, kit.Sink, kit.Clock);
        await using var receiver = new WebhookReceiver();
        var alert = AlertTestKit.SampleAlert();

        var first = await delivery.DeliverAsync(alert, AlertTestKit.Subscriber(receiver.Url));

        Assert.Equal(DeliveryStatus.Pending, first.Status);
        Assert.Equal(5, first.Attempts);
        var pending = await delivery.ReadRecordAsync(alert.Id, "acme-ops");
        Assert.NotNull(pending);
        Assert.Equal(DeliveryState.Pending, pending.State);
        Assert.Equal(5, pending.Attempts);
        Assert.Null(pending.ClaimedUntil);
        Assert.Contains("could not reach", pending.LastError);
        Assert.Equal(alert.StoragePath, pending.AlertPath);

        receiver.Start();
        await ListAsync(store, AlertTestKit.Subscriber(receiver.Url));
        kit.Clock.Now = AlertTestKit.Now.AddDays(1);
        var redelivered = await delivery.DeliverPendingAsync();
        var again = await delivery.DeliverPendingAsync();

        var result = Assert.Single(redelivered);
        Assert.Equal(new PendingDeliveryResult(alert.Id, "acme-ops", new DeliveryOutcome(DeliveryStatus.Delivered, 1, 200, null)), result);
        Assert.Empty(again);
        Assert.Single(receiver.Received);
        var delivered = await delivery.ReadRecordAsync(alert.Id, "acme-ops");
        Assert.Equal(DeliveryState.Delivered, delivered!.State);
        Assert.Equal(6, delivered.Attempts);
        Assert.Equal(200, delivered.LastStatusCode);
        Assert.Null(delivered.LastError);
        Assert.Equal(AlertTestKit.Now.AddDays(1), delivered.DeliveredAt);
    }

    [Fact]
    public async Task Delivering_the_same_alert_twice_sends_one_request()
    {
        using var kit = new AlertTestKit();
        var delivery = new AlertDelivery(NewStore(), kit.Sink, kit.Clock);
        await using var receiver = new WebhookReceiver().Start();
        var subscriber = AlertTestKit.Subscriber(receiver.Url);

        var first = await delivery.DeliverAsync(AlertTestKit.SampleAlert(), subscriber);
        var second = await delivery.DeliverAsync(AlertTestKit.SampleAlert(), subscriber);

        Assert.Equal(new DeliveryOutcome(DeliveryStatus.Delivered, 1, 200, null), first);
        Assert.Equal(DeliveryStatus.Delivered, second.Status);
        Assert.Equal(0, second.Attempts);
        Assert.Contains("not sent again", second.Error);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Two_concurrent_deliverers_of_the_same_alert_send_one_request()
    {
        using var kit = new AlertTestKit();
        var store = NewStore();
        await using var receiver = new WebhookReceiver().Answer(200, delay: TimeSpan.FromMilliseconds(300)).Start();
        var subscriber = AlertTestKit.Subscriber(receiver.Url);
        var one = new AlertDelivery(store, kit.Sink, kit.Clock);
        var two = new AlertDelivery(store, kit.Sink, kit.Clock);

        var outcomes = await Task.WhenAll(
            Task.Run(() => one.DeliverAsync(AlertTestKit.SampleAlert(), subscriber)),
            Task.Run(() => two.DeliverAsync(AlertTestKit.SampleAlert(), subscriber)));

        Assert.Single(receiver.Received);
        Assert.Equal([0, 1], outcomes.Select(o => o.Attempts).Order());
        Assert.Equal(DeliveryState.Delivered, (await one.ReadRecordAsync(AlertTestKit.SampleAlert().Id, "acme-ops"))!.State);
    }

    [Fact]
    public async Task A_second_deliverer_arriving_while_the_first_is_sending_backs_off_without_sending()
    {
        using var kit = new AlertTestKit();
        var store = NewStore();
        await using var receiver = new WebhookReceiver().Answer(200, delay: TimeSpan.FromSeconds(1)).Start();
        var subscriber = AlertTestKit.Subscriber(receiver.Url);
        var first = Task.Run(() => new AlertDelivery(store, kit.Sink, kit.Clock).DeliverAsync(AlertTestKit.SampleAlert(), subscriber));
        while (receiver.Received.Count == 0)
        {
            await Task.Delay(10);
        }

        var second = await new AlertDelivery(store, kit.Sink, kit.Clock).DeliverAsync(AlertTestKit.SampleAlert(), subscriber);
        var firstOutcome = await first;

        Assert.Equal(new DeliveryOutcome(DeliveryStatus.Pending, 0, null,
            "another deliverer is sending it to 'acme-ops' (claim until 2026-03-06T01:45:00.0000000Z); not sent twice"), second);
        Assert.Equal(new DeliveryOutcome(DeliveryStatus.Delivered, 1, 200, null), firstOutcome);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Reprocessing_the_same_input_stores_one_alert_object_with_the_first_content()
    {
        using var kit = new AlertTestKit();
        var store = NewStore();
        var delivery = new AlertDelivery(store, kit.Sink, kit.Clock);
        var alert = AlertTestKit.SampleAlert();

        var path = await delivery.StoreAsync(alert);
        var again = await delivery.StoreAsync(alert with { RaisedAt = alert.RaisedAt.AddMinutes(5), RunId = RunId.Parse("run-2") });

        Assert.Equal(path, again);
        Assert.Equal($"alerts/2026/03/06/{alert.Id}.json", path);
        var stored = await store.ReadAsync(path);
        Assert.Equal(AlertJson.Write(alert), stored!.Content.ToArray());
        Assert.Single(await ToListAsync(store.ListAsync("alerts/2026/")));
    }

    [Fact]
    public async Task A_claim_left_by_a_crashed_deliverer_blocks_until_it_lapses_then_the_next_run_sends()
    {
        using var kit = new AlertTestKit();
        var store = NewStore();
        var delivery = new AlertDelivery(store, kit.Sink, kit.Clock, new AlertDeliveryOptions { ClaimDuration = TimeSpan.FromMinutes(15) });
        await using var receiver = new WebhookReceiver().Start();
        var alert = AlertTestKit.SampleAlert();
        var path = await delivery.StoreAsync(alert);
        await ListAsync(store, AlertTestKit.Subscriber(receiver.Url));
        var crashed = new DeliveryRecord(alert.Id, path, AlertTestKit.Subscriber(receiver.Url), DeliveryState.Sending, 0, null, null,
            AlertTestKit.Now.AddMinutes(15), null, AlertTestKit.Now, AlertOutbox.Sha256((await store.ReadAsync(path))!.Content.Span));
        await store.WriteAsync(StoreLayout.OutboxEntry(alert.Id, "acme-ops"), crashed.ToJson());

        kit.Clock.Now = AlertTestKit.Now.AddMinutes(14);
        var whileClaimed = await delivery.DeliverPendingAsync();
        var direct = await delivery.DeliverAsync(alert, AlertTestKit.Subscriber(receiver.Url));
        kit.Clock.Now = AlertTestKit.Now.AddMinutes(16);
        var afterLapse = await delivery.DeliverPendingAsync();

        Assert.Empty(whileClaimed);
        Assert.Equal(DeliveryStatus.Pending, direct.Status);
        Assert.Contains("another deliverer is sending it", direct.Error);
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(afterLapse).Outcome.Status);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Each_subscriber_has_its_own_record_and_only_the_undelivered_one_is_retried()
    {
        using var kit = new AlertTestKit();
        var store = NewStore();
        var delivery = new AlertDelivery(store, kit.Sink, kit.Clock);
        await using var ops = new WebhookReceiver().Start();
        await using var finance = new WebhookReceiver().Answer(400).Start();
        var alert = AlertTestKit.SampleAlert();
        await ListAsync(store, AlertTestKit.Subscriber(ops.Url), AlertTestKit.Subscriber(finance.Url, null, "finance"));

        var outcomes = await delivery.DeliverAsync(alert, [AlertTestKit.Subscriber(ops.Url), AlertTestKit.Subscriber(finance.Url, null, "finance")]);
        kit.Clock.Now = AlertTestKit.Now.AddDays(1);
        var retried = await delivery.DeliverPendingAsync();

        Assert.Equal([DeliveryStatus.Delivered, DeliveryStatus.Pending], outcomes.Select(o => o.Status));
        Assert.Equal(400, outcomes[1].LastStatusCode);
        Assert.Equal("finance", Assert.Single(retried).Subscriber);
        Assert.Single(ops.Received);
        Assert.Equal(2, finance.Received.Count);
        Assert.Equal(DeliveryState.Delivered, (await delivery.ReadRecordAsync(alert.Id, "finance"))!.State);
    }

    [Fact]
    public async Task An_unreadable_delivery_record_is_reported_and_does_not_hold_up_the_others()
    {
        using var kit = new AlertTestKit();
        var store = NewStore();
        var delivery = new AlertDelivery(store, kit.Sink, kit.Clock);
        await using var receiver = new WebhookReceiver().Answer(503).Answer(503).Answer(503).Answer(503).Answer(503).Start();
        var alert = AlertTestKit.SampleAlert();
        await ListAsync(store, AlertTestKit.Subscriber(receiver.Url));
        await delivery.DeliverAsync(alert, AlertTestKit.Subscriber(receiver.Url));
        await store.WriteAsync("outbox/0000/broken.json", "{ not json"u8.ToArray());
        kit.Clock.Now = AlertTestKit.Now.AddDays(1);

        var results = await delivery.DeliverPendingAsync();

        Assert.Equal(2, results.Count);
        Assert.Equal("outbox/0000/broken.json", results[0].AlertId);
        Assert.StartsWith("outbox/0000/broken.json: not a valid delivery record", results[0].Outcome.Error);
        Assert.Equal(DeliveryStatus.Delivered, results[1].Outcome.Status);
        Assert.Equal(6, receiver.Received.Count);
    }

    [Fact]
    public async Task A_cancelled_delivery_hands_its_claim_back_so_the_next_run_retries_at_once()
    {
        using var kit = new AlertTestKit();
        var store = NewStore();
        var delivery = new AlertDelivery(store, kit.Sink, kit.Clock);
        await using var receiver = new WebhookReceiver().Answer(200, delay: TimeSpan.FromSeconds(2)).Start();
        var alert = AlertTestKit.SampleAlert();
        await ListAsync(store, AlertTestKit.Subscriber(receiver.Url));
        using var cancel = new CancellationTokenSource();

        // Cancel while the receiver holds the request, not on a timer: on a busy machine a timer can fire before the claim.
        var sending = delivery.DeliverAsync(alert, AlertTestKit.Subscriber(receiver.Url), cancel.Token);
        for (int wait = 0; wait < 200 && receiver.Received.Count == 0; wait++)
        {
            await Task.Delay(50);
        }
        Assert.Single(receiver.Received);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        var record = await delivery.ReadRecordAsync(alert.Id, "acme-ops");
        var retried = await delivery.DeliverPendingAsync();

        Assert.Equal(DeliveryState.Pending, record!.State);
        Assert.Null(record.ClaimedUntil);
        Assert.StartsWith("delivery interrupted", record.LastError);
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(retried).Outcome.Status);
    }

    private static async Task<List<StoredObject>> ToListAsync(IAsyncEnumerable<StoredObject> items)
    {
        var list = new List<StoredObject>();
        await foreach (var item in items)
        {
            list.Add(item);
        }
        return list;
    }
}
