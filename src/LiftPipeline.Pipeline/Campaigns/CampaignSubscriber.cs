namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>How a subscriber hears about a campaign (campaign.json <c>subscribers[].delivery</c>).</summary>
public enum DeliveryMode
{
    /// <summary>One POST per guardrail alert (the default).</summary>
    Alerts,

    /// <summary>No per-alert POST; once per run one POST of the portfolio digest covering every campaign the subscriber is listed on.</summary>
    Digest,
}

/// <summary>
/// A webhook that receives a campaign's guardrail alerts: a <paramref name="Name"/> of 1 to 64 letters, digits, '.', '-'
/// or '_' (it names the delivery records), an absolute http(s) <paramref name="Url"/> without user name or password, and
/// optionally the name of the setting that holds its signing secret (the secret itself never appears in campaign.json).
/// Whether http and internal addresses may be used is the sender's allow-list, checked when sending.
/// </summary>
/// <param name="Name">Unique name within the campaign.</param>
/// <param name="Url">The webhook.</param>
/// <param name="SecretName">The signing secret's setting name, or null to send unsigned.</param>
/// <param name="Delivery">Per-alert POSTs (default) or one portfolio digest per run (docs/decisions.md, "Portfolio digest").</param>
public sealed record CampaignSubscriber(string Name, Uri Url, string? SecretName, DeliveryMode Delivery = DeliveryMode.Alerts);
