using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// What every report has whatever its design, and what every report.json starts with (<see cref="ReportJson"/>):
/// the design, the campaign, the run, when it was made, the guardrail results and the recommendation. The dataset
/// description and the body that follow depend on the design.
/// </summary>
public interface IReportEnvelope
{
    /// <summary>The study design: <c>panel</c> or <c>holdout</c>.</summary>
    string Design { get; }

    /// <summary>Campaign id.</summary>
    string Campaign { get; }

    /// <summary>The run that produced the report.</summary>
    string RunId { get; }

    /// <summary>When the report was made, from the injected clock.</summary>
    DateTimeOffset GeneratedAt { get; }

    /// <summary>Guardrail results, in the order they were checked.</summary>
    IReadOnlyList<GuardrailResult> Guardrails { get; }

    /// <summary>The recommendation with its reason and evidence (<see cref="RecommendationRule"/>).</summary>
    RecommendationDecision Decision { get; }
}
