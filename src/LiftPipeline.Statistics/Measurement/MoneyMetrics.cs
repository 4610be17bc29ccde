namespace LiftPipeline.Statistics.Measurement;

/// <summary>
/// Which measured metric counts as revenue (for iROAS) and which as conversions (for cost per incremental conversion):
/// the one naming rule of holdouts and panels. A configured name wins; otherwise a metric called <see cref="Revenue"/>
/// or <see cref="Conversions"/>, when the data has one.
/// </summary>
public static class MoneyMetrics
{
    /// <summary>The metric taken as revenue when none is configured.</summary>
    public const string Revenue = "revenue";

    /// <summary>The metric taken as conversions when none is configured.</summary>
    public const string Conversions = "conversions";

    /// <summary>The revenue metric: <paramref name="configured"/>, else <see cref="Revenue"/> when among <paramref name="metrics"/>, else null.</summary>
    public static string? RevenueOf(string? configured, IEnumerable<string> metrics) => Resolve(configured, Revenue, metrics);

    /// <summary>The conversion metric: <paramref name="configured"/>, else <see cref="Conversions"/> when among <paramref name="metrics"/>, else null.</summary>
    public static string? ConversionsOf(string? configured, IEnumerable<string> metrics) => Resolve(configured, Conversions, metrics);

    private static string? Resolve(string? configured, string fallback, IEnumerable<string> metrics) =>
        configured ?? (metrics.Contains(fallback, StringComparer.Ordinal) ? fallback : null);
}
