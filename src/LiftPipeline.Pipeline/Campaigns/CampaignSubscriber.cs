namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>
/// A webhook that receives a campaign's guardrail alerts: a <paramref name="Name"/> of 1 to 64 letters, digits, '.', '-'
/// or '_' (it names the delivery records), an absolute http(s) <paramref name="Url"/> without user name or password, and
/// optionally the name of the setting that holds its signing secret (the secret itself never appears in campaign.json).
/// Whether http and internal addresses may be used is the sender's allow-list, checked when sending.
/// </summary>
public sealed record CampaignSubscriber(string Name, Uri Url, string? SecretName);
