namespace LiftPipeline.Statistics.Audiences.Validation;

/// <summary>
/// How a segment changed since the previous refresh: Jaccard similarity |A ∩ B| / |A ∪ B| of the current members A and
/// the previous members B, the customers who joined (churn in, A \ B) and left (churn out, B \ A). Immutable.
/// </summary>
/// <param name="Current">Members now, |A|.</param>
/// <param name="Previous">Members at the previous refresh, |B|.</param>
/// <param name="Retained">Members in both, |A ∩ B|.</param>
public sealed record SegmentStability(long Current, long Previous, long Retained)
{
    /// <summary>|A ∪ B|.</summary>
    public long Union => Current + Previous - Retained;

    /// <summary>|A ∩ B| / |A ∪ B|; 1 when both are empty (nothing changed).</summary>
    public double Jaccard => Union == 0 ? 1 : Retained / (double)Union;

    /// <summary>Customers who joined, |A \ B|.</summary>
    public long ChurnIn => Current - Retained;

    /// <summary>Customers who left, |B \ A|.</summary>
    public long ChurnOut => Previous - Retained;

    /// <summary>Share of the current members who joined, |A \ B| / |A|; 0 when A is empty.</summary>
    public double ChurnInShare => Current == 0 ? 0 : ChurnIn / (double)Current;

    /// <summary>Share of the previous members who left, |B \ A| / |B|; 0 when B is empty.</summary>
    public double ChurnOutShare => Previous == 0 ? 0 : ChurnOut / (double)Previous;

    /// <summary>Compares the sorted distinct keys of the current members with those of the previous refresh.</summary>
    public static SegmentStability Of(ReadOnlySpan<ulong> current, ReadOnlySpan<ulong> previous) =>
        new(current.Length, previous.Length, CustomerKey.IntersectionCount(current, previous));
}
