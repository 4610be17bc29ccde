namespace LiftPipeline.Statistics.Conflation;

/// <summary>
/// What two live geo tests share: the days both run, the markets in both, and the spill-over — markets one test uses as
/// controls while the other treats them on common days, which makes the first test's control contaminated. Immutable.
/// </summary>
/// <param name="First">The first test's name.</param>
/// <param name="Second">The second test's name.</param>
/// <param name="DaysInCommon">Days both tests are live (0 when their windows do not meet).</param>
/// <param name="SharedMarkets">Markets in both tests, in any role, sorted ordinally.</param>
/// <param name="FirstControlsTreatedBySecond">The first test's control markets the second treats, sorted.</param>
/// <param name="SecondControlsTreatedByFirst">The second test's control markets the first treats, sorted.</param>
public sealed record GeoOverlap(
    string First, string Second, int DaysInCommon, IReadOnlyList<string> SharedMarkets,
    IReadOnlyList<string> FirstControlsTreatedBySecond, IReadOnlyList<string> SecondControlsTreatedByFirst)
{
    /// <summary>True when, on common days, one test's control markets are treated by the other.</summary>
    public bool Conflated => DaysInCommon > 0 && (FirstControlsTreatedBySecond.Count > 0 || SecondControlsTreatedByFirst.Count > 0);

    /// <summary>Compares two geo tests (market names compared ordinally).</summary>
    public static GeoOverlap Of(GeoTestWindow first, GeoTestWindow second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        DateOnly from = first.Start > second.Start ? first.Start : second.Start;
        DateOnly to = first.End < second.End ? first.End : second.End;
        int days = Math.Max(0, to.DayNumber - from.DayNumber + 1);
        var firstAll = new HashSet<string>(first.Treated, StringComparer.Ordinal);
        firstAll.UnionWith(first.Control);
        var secondAll = new HashSet<string>(second.Treated, StringComparer.Ordinal);
        secondAll.UnionWith(second.Control);
        return new GeoOverlap(first.Name, second.Name, days, Common(firstAll, secondAll),
            days > 0 ? Common(first.Control, second.Treated) : [], days > 0 ? Common(second.Control, first.Treated) : []);
    }

    /// <summary>The markets in both, sorted ordinally.</summary>
    internal static string[] Common(IEnumerable<string> a, IEnumerable<string> b)
    {
        var set = new HashSet<string>(a, StringComparer.Ordinal);
        set.IntersectWith(b);
        var sorted = new string[set.Count];
        set.CopyTo(sorted);
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted;
    }
}
