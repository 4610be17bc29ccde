using System.Globalization;
using LiftPipeline.Infrastructure.Alerts;
using LiftPipeline.Pipeline.Alerts;

namespace LiftPipeline.Tests.Alerts;

public sealed class WebhookAlertSinkTests
{
    private static readonly Dictionary<string, string> RetryAfterTwo = new() { ["Retry-After"] = "2" };

    [Fact]
    public async Task A_500_then_a_200_is_delivered_on_the_second_attempt_after_a_jittered_backoff()
    {
        using var kit = new AlertTestKit();
        await using var receiver = new WebhookReceiver().Answer(500).Answer(200).Start();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(receiver.Url), CancellationToken.None);

        Assert.Equal(new DeliveryOutcome(DeliveryStatus.Delivered, 2, 200, null), outcome);
        Assert.Equal(2, receiver.Received.Count);
        var wait = Assert.Single(kit.Delays);
        Assert.InRange(wait, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_429_with_retry_after_2_waits_exactly_2_seconds()
    {
        using var kit = new AlertTestKit();
        await using var receiver = new WebhookReceiver().Answer(429, RetryAfterTwo).Answer(200).Start();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(receiver.Url), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, outcome.Status);
        Assert.Equal(2, outcome.Attempts);
        Assert.Equal([TimeSpan.FromSeconds(2)], kit.Delays);
    }

    [Fact]
    public async Task A_503_with_an_http_date_retry_after_waits_until_that_date()
    {
        using var kit = new AlertTestKit();
        var date = AlertTestKit.Now.AddSeconds(7).ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);
        await using var receiver = new WebhookReceiver().Answer(503, new Dictionary<string, string> { ["Retry-After"] = date }).Answer(204).Start();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(receiver.Url), CancellationToken.None);

        Assert.Equal(new DeliveryOutcome(DeliveryStatus.Delivered, 2, 204, null), outcome);
        Assert.Equal([TimeSpan.FromSeconds(7)], kit.Delays);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_cap_leaves_the_alert_pending_for_the_next_run()
    {
        using var kit = new AlertTestKit(o => o.MaxRetryAfter = TimeSpan.FromSeconds(1));
        await using var receiver = new WebhookReceiver().Answer(429, RetryAfterTwo).Start();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(receiver.Url), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(429, outcome.LastStatusCode);
        Assert.Contains("exceeds MaxRetryAfter", outcome.Error);
        Assert.Empty(kit.Delays);
    }

    [Fact]
    public async Task A_400_is_not_retried_and_stays_pending()
    {
        using var kit = new AlertTestKit();
        await using var receiver = new WebhookReceiver().Answer(400).Start();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(receiver.Url), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(400, outcome.LastStatusCode);
        Assert.Contains("answered 400", outcome.Error);
        Assert.Contains("not retried", outcome.Error);
        Assert.Single(receiver.Received);
        Assert.Empty(kit.Delays);
    }

    [Fact]
    public async Task Five_500s_give_up_after_five_attempts_with_backoff_caps_1_2_4_8_seconds()
    {
        using var kit = new AlertTestKit();
        await using var receiver = new WebhookReceiver().Answer(500).Answer(500).Answer(500).Answer(500).Answer(500).Start();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(receiver.Url), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
        Assert.Equal(5, outcome.Attempts);
        Assert.Equal(500, outcome.LastStatusCode);
        Assert.StartsWith("gave up after 5 attempts", outcome.Error);
        Assert.Equal(5, receiver.Received.Count);
        var delays = kit.Delays;
        Assert.Equal(4, delays.Count);
        for (int i = 0; i < 4; i++)
        {
            Assert.InRange(delays[i], TimeSpan.Zero, TimeSpan.FromSeconds(Math.Pow(2, i)));
        }
    }

    [Fact]
    public async Task A_receiver_slower_than_the_attempt_timeout_gets_one_request_and_the_alert_stays_pending()
    {
        // A slow receiver may still act on the request: retrying within the call would send it a copy per attempt.
        // 3 s, not less: on a loaded machine the listener may take over a second just to read the request.
        using var kit = new AlertTestKit(o => o.AttemptTimeout = TimeSpan.FromSeconds(3));
        await using var receiver = new WebhookReceiver().Answer(200, delay: TimeSpan.FromSeconds(30)).Answer(200).Start();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(receiver.Url), CancellationToken.None);

        Assert.Equal((DeliveryStatus.Pending, 1, (int?)null), (outcome.Status, outcome.Attempts, outcome.LastStatusCode));
        Assert.StartsWith($"{receiver.Url} did not answer within 3 s", outcome.Error);
        Assert.Single(receiver.Received);
        Assert.Empty(kit.Delays);
    }

    [Fact]
    public async Task A_receiver_that_is_down_leaves_the_alert_pending_after_all_attempts()
    {
        using var kit = new AlertTestKit();
        var down = new WebhookReceiver();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(down.Url), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
        Assert.Equal(5, outcome.Attempts);
        Assert.Null(outcome.LastStatusCode);
        Assert.Contains($"could not reach {down.Url}", outcome.Error);
        Assert.Equal(4, kit.Delays.Count);
    }

    [Fact]
    public async Task The_receiver_gets_the_canonical_body_and_headers_and_the_signature_verifies_only_with_the_secret()
    {
        using var kit = new AlertTestKit();
        await using var receiver = new WebhookReceiver().Start();
        var alert = AlertTestKit.SampleAlert();

        await kit.Sink.DeliverAsync(alert, AlertTestKit.Subscriber(receiver.Url), CancellationToken.None);

        var request = Assert.Single(receiver.Received);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/lift", request.Path);
        Assert.Equal(AlertJson.Write(alert), request.Body);
        Assert.Equal("application/json; charset=utf-8", request.Headers["Content-Type"]);
        Assert.Equal(alert.Id, request.Headers["X-Lift-Alert-Id"]);
        var timestamp = request.Headers["X-Lift-Timestamp"]!;
        Assert.Equal(AlertTestKit.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), timestamp);
        var signature = request.Headers["X-Lift-Signature"];
        Assert.Matches("^sha256=[0-9a-f]{64}$", signature);
        Assert.True(WebhookSignature.Verify(AlertTestKit.Secret, timestamp, request.Body, signature));
        Assert.False(WebhookSignature.Verify("another-secret", timestamp, request.Body, signature));
        Assert.False(WebhookSignature.Verify(AlertTestKit.Secret, "1", request.Body, signature));
        Assert.False(WebhookSignature.Verify(AlertTestKit.Secret, timestamp, [.. request.Body, (byte)' '], signature));
        Assert.False(WebhookSignature.Verify(AlertTestKit.Secret, timestamp, request.Body, "sha256=zz"));
    }

    [Fact]
    public async Task A_subscriber_without_a_secret_name_gets_unsigned_requests()
    {
        using var kit = new AlertTestKit();
        await using var receiver = new WebhookReceiver().Start();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(receiver.Url, secretName: null), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, outcome.Status);
        Assert.False(Assert.Single(receiver.Received).Headers.ContainsKey("X-Lift-Signature"));
    }

    [Fact]
    public async Task A_subscriber_whose_secret_is_not_configured_gets_nothing_and_stays_pending()
    {
        using var kit = new AlertTestKit();
        await using var receiver = new WebhookReceiver().Start();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(receiver.Url, secretName: "missing"), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
        Assert.Equal(0, outcome.Attempts);
        Assert.Contains("secret 'missing'", outcome.Error);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public void A_signature_with_a_stale_timestamp_is_refused_by_the_replay_check()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var header = WebhookSignature.Compute("key", "1700000000", "{}"u8);

        Assert.True(WebhookSignature.Verify("key", "1700000000", "{}"u8, header, now.AddMinutes(4), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("key", "1700000000", "{}"u8, header, now.AddMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("key", "-1700000000", "{}"u8, header, now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task A_redirect_is_not_followed_nor_retried()
    {
        using var kit = new AlertTestKit();
        await using var elsewhere = new WebhookReceiver().Start();
        await using var receiver = new WebhookReceiver().Answer(307, new Dictionary<string, string> { ["Location"] = elsewhere.Url.AbsoluteUri }).Start();

        var outcome = await kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(receiver.Url), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Pending, outcome.Status);
        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(307, outcome.LastStatusCode);
        Assert.Single(receiver.Received);
        Assert.Empty(elsewhere.Received);
    }

    [Fact]
    public async Task Cancelling_the_call_throws_instead_of_reporting_a_timeout()
    {
        using var kit = new AlertTestKit();
        await using var receiver = new WebhookReceiver().Answer(200, delay: TimeSpan.FromSeconds(2)).Start();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => kit.Sink.DeliverAsync(AlertTestKit.SampleAlert(), AlertTestKit.Subscriber(receiver.Url), cancel.Token));
    }

    [Fact]
    public void Signature_matches_a_hand_computed_hmac_test_vector()
    {
        // HMAC-SHA256(key "key", "1700000000.{}") computed independently with Python's hmac module.
        var header = WebhookSignature.Compute("key", "1700000000", "{}"u8);

        Assert.Equal(WebhookSignature.Prefix + HandVector, header);
    }

    private const string HandVector = "9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae";
}
