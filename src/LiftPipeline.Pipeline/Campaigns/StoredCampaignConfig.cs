using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>Whether a campaign's campaign.json could be used.</summary>
public enum CampaignConfigState
{
    /// <summary>Read and valid: <see cref="CampaignConfigRead.Config"/> holds it.</summary>
    Found,

    /// <summary>The campaign has no campaign.json.</summary>
    Missing,

    /// <summary>campaign.json exists but cannot be used: <see cref="CampaignConfigRead.Error"/> lists every problem.</summary>
    Invalid,
}

/// <summary>The result of <see cref="StoredCampaignConfig.ReadCampaignConfigAsync"/>: the campaign's settings, or why there are none.</summary>
/// <param name="Campaign">The campaign read.</param>
/// <param name="State">Found, missing or invalid.</param>
/// <param name="Config">The settings, when found.</param>
/// <param name="Error">The parser's error (every problem, with JSON paths), when invalid.</param>
public sealed record CampaignConfigRead(CampaignId Campaign, CampaignConfigState State, CampaignConfig? Config = null, CampaignConfigException? Error = null)
{
    /// <summary>SHA-256 of the bytes read, as 64 lower-case hex digits, when found: what a stored measurement records of its settings.</summary>
    public string? ContentSha256 { get; init; }

    /// <summary>The object read: <c>campaigns/{campaign}/campaign.json</c>.</summary>
    public string Path => StoreLayout.CampaignConfig(Campaign);

    /// <summary>The settings, or null when the campaign has no campaign.json.</summary>
    /// <exception cref="CampaignConfigException">campaign.json is invalid (<see cref="Error"/>).</exception>
    public CampaignConfig? ConfigOrNull() => State == CampaignConfigState.Invalid ? throw Error! : Config;
}

/// <summary>The one way the pipeline reads a campaign's campaign.json from the store.</summary>
public static class StoredCampaignConfig
{
    /// <summary>Reads and parses <c>campaigns/{campaign}/campaign.json</c>; an invalid document is an outcome, not an exception.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public static async Task<CampaignConfigRead> ReadCampaignConfigAsync(this IObjectStore store, CampaignId campaign, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ObjectContent? content;
        try
        {
            content = await store.ReadAsync(StoreLayout.CampaignConfig(campaign), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectStoreException refused) when (refused.Code == ObjectStoreException.NotAFile)
        {
            // A link or FIFO in place of campaign.json: an invalid campaign (reported), not a failed run.
            return new CampaignConfigRead(campaign, CampaignConfigState.Invalid,
                Error: new CampaignConfigException(campaign.Value, [new CampaignConfigError("$", refused.Message)], refused));
        }
        if (content is null)
        {
            return new CampaignConfigRead(campaign, CampaignConfigState.Missing);
        }
        try
        {
            return new CampaignConfigRead(campaign, CampaignConfigState.Found, CampaignConfig.Parse(campaign, content.Content.Span))
            {
                ContentSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content.Content.Span)),
            };
        }
        catch (CampaignConfigException invalid)
        {
            return new CampaignConfigRead(campaign, CampaignConfigState.Invalid, Error: invalid);
        }
    }
}
