using LiftPipeline.Statistics.Design;

namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>
/// The <c>geoDesign</c> section of campaign.json: which metric a planning campaign is designed on, and the market
/// selection's options (docs/campaign.md lists every field; docs/design.md explains them).
/// </summary>
/// <param name="Metric">The metric the design simulates; one of the campaign's metrics (default the primary one).</param>
/// <param name="Options">The market selection's options; <see cref="GeoDesignOptions.Cells"/> ≥ 2 asks for a multi-cell design.</param>
public sealed record GeoDesignSettings(string Metric, GeoDesignOptions Options);
