namespace LiftPipeline.Statistics.Guardrails;

/// <summary>The outcome of one guardrail check: pass, warn, or breach (which becomes an alert).</summary>
public enum GuardrailStatus { Pass, Warn, Breach }

/// <summary>One guardrail's verdict with a human-readable message and the numbers it was based on.</summary>
public sealed record GuardrailResult(string Name, GuardrailStatus Status, string Message, IReadOnlyDictionary<string, double> Evidence)
{
    /// <summary>
    /// The kinds of problem found, in a fixed order (e.g. <c>missing-periods</c>, <c>late</c>), for a guardrail that can
    /// find more than one kind; empty when it finds one kind only or none. Alerts are identified by them, so a new kind of
    /// breach on the same data is a new alert.
    /// </summary>
    public IReadOnlyList<string> Findings { get; init; } = [];
}
