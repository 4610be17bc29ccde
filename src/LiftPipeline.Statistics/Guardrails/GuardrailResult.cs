namespace LiftPipeline.Statistics.Guardrails;

/// <summary>The outcome of one guardrail check: pass, warn, or breach (which becomes an alert).</summary>
public enum GuardrailStatus { Pass, Warn, Breach }

/// <summary>One guardrail's verdict with a human-readable message and the numbers it was based on.</summary>
public sealed record GuardrailResult(string Name, GuardrailStatus Status, string Message, IReadOnlyDictionary<string, double> Evidence);
