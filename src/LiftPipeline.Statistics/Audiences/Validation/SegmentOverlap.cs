namespace LiftPipeline.Statistics.Audiences.Validation;

/// <summary>
/// The customers two segments of one refresh share: |A ∩ B|, the share of each segment that is also in the other, and
/// their Jaccard similarity. Immutable.
/// </summary>
/// <param name="First">The first segment's name.</param>
/// <param name="Second">The second segment's name.</param>
/// <param name="FirstSize">|A|.</param>
/// <param name="SecondSize">|B|.</param>
/// <param name="Shared">|A ∩ B|.</param>
public sealed record SegmentOverlap(string First, string Second, long FirstSize, long SecondSize, long Shared)
{
    /// <summary>|A ∩ B| / |A|; 0 when A is empty.</summary>
    public double ShareOfFirst => FirstSize == 0 ? 0 : Shared / (double)FirstSize;

    /// <summary>|A ∩ B| / |B|; 0 when B is empty.</summary>
    public double ShareOfSecond => SecondSize == 0 ? 0 : Shared / (double)SecondSize;

    /// <summary>|A ∩ B| / |A ∪ B|; 0 when both are empty.</summary>
    public double Jaccard => FirstSize + SecondSize - Shared == 0 ? 0 : Shared / (double)(FirstSize + SecondSize - Shared);

    /// <summary>The overlap of two segments given as sorted distinct keys.</summary>
    public static SegmentOverlap Of(string first, ReadOnlySpan<ulong> firstKeys, string second, ReadOnlySpan<ulong> secondKeys) =>
        new(first, second, firstKeys.Length, secondKeys.Length, CustomerKey.IntersectionCount(firstKeys, secondKeys));

    /// <summary>Every pair of <paramref name="segments"/> (names and sorted distinct keys), in order (0,1), (0,2), …, (1,2), ….</summary>
    public static IReadOnlyList<SegmentOverlap> Pairs(IReadOnlyList<string> names, IReadOnlyList<ulong[]> segments)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(segments);
        var pairs = new List<SegmentOverlap>();
        for (int a = 0; a < segments.Count; a++)
        {
            for (int b = a + 1; b < segments.Count; b++)
            {
                pairs.Add(Of(names[a], segments[a], names[b], segments[b]));
            }
        }
        return pairs;
    }
}
