namespace LiftPipeline.Core.Guardrails;

/// <summary>The outcome of one guardrail check, ordered by severity: a breach becomes an alert.</summary>
public enum GuardrailStatus
{
    /// <summary>The check found nothing wrong.</summary>
    Pass,

    /// <summary>Something to look at; the measurement stands.</summary>
    Warn,

    /// <summary>The measurement cannot be trusted as it is; raises an alert and holds the recommendation.</summary>
    Breach,
}

/// <summary>
/// One guardrail's verdict: its <paramref name="Name"/> (for example <c>sample-ratio-mismatch</c>), the
/// <paramref name="Status"/>, a <paramref name="Message"/> a data analyst can act on, and the numbers behind it
/// (<paramref name="Evidence"/>, by name; for example the p-value and the threshold it was compared with).
/// </summary>
public sealed record GuardrailResult(string Name, GuardrailStatus Status, string Message, IReadOnlyDictionary<string, double> Evidence);
