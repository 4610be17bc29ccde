namespace LiftPipeline.Ingestion.Audiences;

/// <summary>
/// The members of each segment of one audience refresh, as sorted distinct customer keys
/// (<see cref="Statistics.Audiences.Validation.CustomerKey"/>, 8 bytes a membership). Immutable once read.
/// </summary>
/// <param name="Audience">The audience id from the file's metadata, or null when absent.</param>
/// <param name="AsOf">The refresh date from the file's metadata, or null when absent.</param>
/// <param name="Segments">Segment names, in ordinal order.</param>
/// <param name="Keys">Each segment's members, sorted and distinct, in <paramref name="Segments"/> order.</param>
/// <param name="Rows">Rows of the file (memberships, duplicates included).</param>
public sealed record SegmentMembers(string? Audience, DateOnly? AsOf, IReadOnlyList<string> Segments, IReadOnlyList<ulong[]> Keys, long Rows)
{
    /// <summary>The members of <paramref name="segment"/>, or null when the refresh has no such segment.</summary>
    public ulong[]? Find(string segment)
    {
        for (int s = 0; s < Segments.Count; s++)
        {
            if (string.Equals(Segments[s], segment, StringComparison.Ordinal))
            {
                return Keys[s];
            }
        }
        return null;
    }
}
