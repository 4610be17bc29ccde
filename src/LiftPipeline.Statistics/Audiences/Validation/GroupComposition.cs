namespace LiftPipeline.Statistics.Audiences.Validation;

/// <summary>
/// One group (a country, an age band) in a segment against all customers: its share of each, and whether the segment
/// all but leaves it out. The rule: a group holding at least <see cref="MinPopulationShare"/> of the customers is
/// under-represented when its share of the segment is below <see cref="MinRepresentation"/> of its share of the
/// customers (a group of 20 % of customers but under 2 % of the segment). Smaller groups are never flagged: at under 1 %
/// a segment of a few hundred may miss them by chance. Immutable.
/// </summary>
/// <param name="Dimension">What the group is of: <c>country</c> or <c>age_band</c>.</param>
/// <param name="Group">The group's value (<c>(null)</c> for customers without one).</param>
/// <param name="PopulationCount">Customers of the group.</param>
/// <param name="PopulationShare">Their share of all customers.</param>
/// <param name="SegmentCount">Members of the segment in the group.</param>
/// <param name="SegmentShare">Their share of the segment's members.</param>
/// <param name="UnderRepresented">True when the rule above flags the group.</param>
public sealed record GroupComposition(string Dimension, string Group, long PopulationCount, double PopulationShare, long SegmentCount, double SegmentShare,
    bool UnderRepresented)
{
    /// <summary>Smallest share of all customers a group needs to be checked: 1 %.</summary>
    public const double MinPopulationShare = 0.01;

    /// <summary>A checked group is flagged below this fraction of its population share in the segment: 10 %.</summary>
    public const double MinRepresentation = 0.1;

    /// <summary>
    /// The composition of a segment over the groups of one dimension: <paramref name="population"/> and
    /// <paramref name="segment"/> count customers per group (same order as <paramref name="groups"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The spans' lengths differ from the group count.</exception>
    public static IReadOnlyList<GroupComposition> Of(string dimension, IReadOnlyList<string> groups, ReadOnlySpan<long> population, ReadOnlySpan<long> segment)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (population.Length != groups.Count || segment.Length != groups.Count)
        {
            throw new ArgumentException($"composition needs one population and one segment count per group ({groups.Count}); got {population.Length} and {segment.Length}");
        }
        long customers = 0, members = 0;
        for (int g = 0; g < groups.Count; g++)
        {
            customers += population[g];
            members += segment[g];
        }
        var rows = new GroupComposition[groups.Count];
        for (int g = 0; g < groups.Count; g++)
        {
            double populationShare = customers == 0 ? 0 : population[g] / (double)customers;
            double segmentShare = members == 0 ? 0 : segment[g] / (double)members;
            bool flagged = members > 0 && populationShare >= MinPopulationShare && segmentShare < MinRepresentation * populationShare;
            rows[g] = new GroupComposition(dimension, groups[g], population[g], populationShare, segment[g], segmentShare, flagged);
        }
        return rows;
    }
}
