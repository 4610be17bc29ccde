namespace LiftPipeline.Statistics.Decisions.Evidence;

/// <summary>
/// One study's estimate to pool: a campaign's contrast (for example the log lift of 1P+VBO over VBO alone) with its
/// sampling variance, and optionally the subgroup (segment, surface, market) it belongs to.
/// </summary>
/// <param name="Label">The study's name, e.g. the campaign id.</param>
/// <param name="Effect">The estimate y_i on the scale being pooled.</param>
/// <param name="Variance">Its sampling variance v_i = SE²; must be finite and positive.</param>
/// <param name="Group">The subgroup for <see cref="SubgroupAnalysis"/>; null when not grouped.</param>
public sealed record StudyEstimate(string Label, double Effect, double Variance, string? Group = null);
