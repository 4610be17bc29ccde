using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>
/// The treatment window of a campaign: its first treated period and, when known, its last (inclusive). Both are dates
/// or both integers, matching the export's period column.
/// </summary>
public sealed record TreatmentWindow(Period Start, Period? End);
