namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// What <see cref="AudienceReleasePolicy"/> withheld from a validation report: the renderers print <c>suppressed</c> (text)
/// or null (JSON) for each of these numbers. Immutable.
/// </summary>
/// <param name="MinimumCustomers">The fewest customers a released count may describe.</param>
public sealed record AudienceSuppression(long MinimumCustomers)
{
    /// <summary>Whether the number of customers of the export (the population tables' total) is withheld.</summary>
    public bool Customers { get; init; }

    /// <summary>Segments with fewer members than the minimum: every number of theirs is withheld.</summary>
    public IReadOnlySet<string> Segments { get; init; } = new HashSet<string>();

    /// <summary>Segments whose members found in the export (and so those not found) are withheld.</summary>
    public IReadOnlySet<string> InCustomers { get; init; } = new HashSet<string>();

    /// <summary>Segments whose kept, joined and left counts, Jaccard and churn shares are withheld.</summary>
    public IReadOnlySet<string> Stability { get; init; } = new HashSet<string>();

    /// <summary>Segments whose previous size is withheld (fewer than the minimum at the previous refresh).</summary>
    public IReadOnlySet<string> Previous { get; init; } = new HashSet<string>();

    /// <summary>(dimension, group) whose count of all customers, and its share, are withheld.</summary>
    public IReadOnlySet<(string Dimension, string Group)> Population { get; init; } = new HashSet<(string, string)>();

    /// <summary>(segment, dimension, group) whose count of members, and its share, are withheld.</summary>
    public IReadOnlySet<(string Segment, string Dimension, string Group)> Composition { get; init; } = new HashSet<(string, string, string)>();

    /// <summary>(segment, arm) whose count of assigned customers is withheld; segment "" for all assigned customers.</summary>
    public IReadOnlySet<(string Segment, string Arm)> Arms { get; init; } = new HashSet<(string, string)>();

    /// <summary>Balances (segment, "" for all assigned) whose total of assigned customers is withheld.</summary>
    public IReadOnlySet<string> ArmTotals { get; init; } = new HashSet<string>();

    /// <summary>(segment, arm, covariate) whose difference (counts, means, SDs, d) is withheld; segment "" for all assigned.</summary>
    public IReadOnlySet<(string Segment, string Arm, string Covariate)> Differences { get; init; } = new HashSet<(string, string, string)>();

    /// <summary>(first, second) segment pairs whose shared count, shares and Jaccard are withheld.</summary>
    public IReadOnlySet<(string First, string Second)> Overlaps { get; init; } = new HashSet<(string, string)>();

    /// <summary>Whether anything in the balance of <paramref name="segment"/> (null: all assigned) is withheld, so its largest |d| and SRM test are too.</summary>
    public bool HidesBalanceOf(string? segment)
    {
        string key = segment ?? "";
        return ArmTotals.Contains(key) || Arms.Any(a => a.Segment == key) || Differences.Any(d => d.Segment == key);
    }
}
