namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>
/// A webhook that receives a campaign's guardrail alerts: an absolute http(s) <paramref name="Url"/>, and optionally the
/// name of the setting that holds its signing secret (the secret itself never appears in campaign.json).
/// </summary>
public sealed record CampaignSubscriber(string Name, Uri Url, string? SecretName);
