namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>What kind of export a campaign measures (<c>design</c> in campaign.json).</summary>
public enum CampaignDesign
{
    /// <summary>A unit × period panel (geo test, market or cohort panel) measured by the panel estimators.</summary>
    Panel,

    /// <summary>A customer-level randomized holdout measured by the experiment estimators.</summary>
    Holdout,
}
