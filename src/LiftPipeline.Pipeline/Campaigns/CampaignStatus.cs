namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>Where a campaign is in its life (<c>status</c> in campaign.json).</summary>
public enum CampaignStatus
{
    /// <summary>The test is running or has run: its exports are measured. The default.</summary>
    Measuring,

    /// <summary>
    /// The test has not started: the exports are pre-period history, nothing is measured, and the pipeline writes a geo
    /// design report (<c>reports/{campaign}/design/</c>) whenever that history changes.
    /// </summary>
    Planning,
}
