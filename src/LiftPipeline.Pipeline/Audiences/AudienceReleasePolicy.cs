using System.Globalization;
using LiftPipeline.Statistics.Audiences.Validation;
using LiftPipeline.Statistics.Decisions.Privacy;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// What may leave the store of an audience validation: the one step between validating and rendering (docs/audiences.md,
/// "Released numbers"). Counts under <see cref="MinimumCustomers"/> customers are withheld, and so are the numbers they
/// could be recomputed from; checks keep their name and status but lose the numbers of what is withheld. Immutable and
/// thread-safe.
/// </summary>
/// <remarks>
/// The relations: a segment's groups of one dimension add up to its members found in the export, and those plus the
/// members not found to its size; every group of one dimension adds up to all customers; a balance's arms add up to its
/// assigned customers (these tables go through <see cref="SmallCellSuppression"/>, tables sharing a total together).
/// Stability and overlap are two sets A and B of released sizes: |A ∩ B| + |A \ B| = |A| and |A ∩ B| + |B \ A| = |B|, so
/// when any of the three is small all three are withheld (two equations, three unknowns), with the Jaccard and shares
/// that would give |A ∩ B|. A count of 0 describes nobody and is released.
/// </remarks>
/// <param name="MinimumCustomers">The fewest customers a released count may describe; default 50, as ad data hubs do.</param>
public sealed record AudienceReleasePolicy(long MinimumCustomers = 50)
{
    /// <summary>The report as it may be released; the same report when every count is at least the minimum.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A minimum below 1.</exception>
    public AudienceValidationReport Release(AudienceValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumCustomers, 1);
        var rule = new SmallCellSuppression(MinimumCustomers);
        var segments = new HashSet<string>(StringComparer.Ordinal);
        var inCustomers = new HashSet<string>(StringComparer.Ordinal);
        var stability = new HashSet<string>(StringComparer.Ordinal);
        var previous = new HashSet<string>(StringComparer.Ordinal);
        var population = new HashSet<(string, string)>();
        var composition = new HashSet<(string, string, string)>();
        var arms = new HashSet<(string, string)>();
        var armTotals = new HashSet<string>(StringComparer.Ordinal);
        var differences = new HashSet<(string, string, string)>();
        var overlaps = new HashSet<(string, string)>();
        bool customers = false;
        if (report.Segments.Count > 0)
        {
            // Every segment's composition carries the same counts of all customers.
            var groups = report.Segments[0].Composition;
            var (hidden, totalHidden) = SharedTotal(rule, [.. ByDimension(groups, g => g.PopulationCount)], null);
            customers = totalHidden;
            Collect(groups, hidden, (dimension, group) => population.Add((dimension, group)));
        }
        foreach (var s in report.Segments)
        {
            if (s.Members < MinimumCustomers && s.Members > 0)
            {
                segments.Add(s.Segment);
                continue;
            }
            long missing = s.Members - s.InCustomers;
            bool? pin = Small(s.InCustomers) || Small(missing) ? true : missing == 0 ? false : null;
            var (hidden, totalHidden) = SharedTotal(rule, [.. ByDimension(s.Composition, g => g.SegmentCount)], pin);
            if (totalHidden)
            {
                inCustomers.Add(s.Segment);
            }
            Collect(s.Composition, hidden, (dimension, group) => composition.Add((s.Segment, dimension, group)));
            if (s.Stability is { } st)
            {
                if (Small(st.Retained) || Small(st.ChurnIn) || Small(st.ChurnOut))
                {
                    stability.Add(s.Segment);
                }
                if (Small(st.Previous))
                {
                    previous.Add(s.Segment);
                }
            }
            Balance(rule, s.Segment, s.Balance, arms, armTotals, differences);
        }
        Balance(rule, "", report.Balance, arms, armTotals, differences);
        foreach (var o in report.Overlaps)
        {
            if (segments.Contains(o.First) || segments.Contains(o.Second) || Small(o.Shared) || Small(o.FirstSize - o.Shared) || Small(o.SecondSize - o.Shared))
            {
                overlaps.Add((o.First, o.Second));
            }
        }
        var suppression = new AudienceSuppression(MinimumCustomers)
        {
            Customers = customers, Segments = segments, InCustomers = inCustomers, Stability = stability, Previous = previous, Population = population,
            Composition = composition, Arms = arms, ArmTotals = armTotals, Differences = differences, Overlaps = overlaps,
        };
        bool any = customers || segments.Count + inCustomers.Count + stability.Count + previous.Count + population.Count + composition.Count + arms.Count
            + armTotals.Count + differences.Count + overlaps.Count > 0;
        return any ? report with { Checks = [.. report.Checks.Select(c => Withheld(c, report, suppression) ? WithoutNumbers(c) : c)], Suppression = suppression } : report;
    }

    /// <summary>A count that describes someone but fewer than the minimum.</summary>
    private bool Small(long count) => count > 0 && count < MinimumCustomers;

    /// <summary>
    /// Suppresses one-row tables whose cells add up to one total, until they agree on whether it is hidden. The total is
    /// pinned hidden (true), known to the reader (false) or left to the rule (null); a 0 is released, and a hidden total's
    /// only cell that is not 0 is hidden with it (it is the total).
    /// </summary>
    private static (SuppressedTable[] Tables, bool TotalHidden) SharedTotal(SmallCellSuppression rule, long[][] rows, bool? pin)
    {
        bool hidden = pin == true;
        while (true)
        {
            var tables = new SuppressedTable[rows.Length];
            bool any = false;
            for (int t = 0; t < rows.Length; t++)
            {
                var row = rows[t];
                var mask = new CellStatus?[2, row.Length + 1];
                int nonZero = 0;
                long total = 0;
                for (int j = 0; j < row.Length; j++)
                {
                    mask[0, j] = mask[1, j] = row[j] == 0 ? CellStatus.Released : null;
                    nonZero += row[j] == 0 ? 0 : 1;
                    total += row[j];
                }
                for (int j = 0; j < row.Length && hidden && nonZero == 1; j++)
                {
                    mask[0, j] = mask[1, j] = row[j] == 0 ? CellStatus.Released : CellStatus.Primary;
                }
                mask[0, row.Length] = mask[1, row.Length] = hidden ? CellStatus.Primary : pin == false || total == 0 ? CellStatus.Released : null;
                tables[t] = rule.Apply(To2D(row), mask);
                any |= tables[t].IsSuppressed(0, row.Length);
            }
            if (!any || hidden)
            {
                return (tables, hidden || any);
            }
            hidden = true;
        }
    }

    private static void Balance(SmallCellSuppression rule, string segment, HoldoutBalance? balance, HashSet<(string, string)> arms, HashSet<string> totals,
        HashSet<(string, string, string)> differences)
    {
        if (balance is null)
        {
            return;
        }
        var (tables, totalHidden) = SharedTotal(rule, [[.. balance.Counts]], null);
        if (totalHidden)
        {
            totals.Add(segment);
        }
        for (int a = 0; a < balance.Arms.Count; a++)
        {
            if (tables[0].IsSuppressed(0, a))
            {
                arms.Add((segment, balance.Arms[a]));
            }
        }
        bool holdoutHidden = arms.Contains((segment, balance.Arms[balance.Holdout]));
        foreach (var d in balance.Differences)
        {
            // A difference describes the arm's and the holdout's customers with a value: withheld with either.
            if (holdoutHidden || arms.Contains((segment, d.Arm)) || (d.ArmCount > 0 && d.ArmCount < rule.MinimumCustomers)
                || (d.HoldoutCount > 0 && d.HoldoutCount < rule.MinimumCustomers))
            {
                differences.Add((segment, d.Arm, d.Covariate));
            }
        }
    }

    /// <summary>The groups' counts of each dimension, in order of first appearance.</summary>
    private static IEnumerable<long[]> ByDimension(IReadOnlyList<GroupComposition> groups, Func<GroupComposition, long> count) =>
        groups.GroupBy(g => g.Dimension, StringComparer.Ordinal).Select(d => d.Select(count).ToArray());

    private static void Collect(IReadOnlyList<GroupComposition> groups, SuppressedTable[] tables, Action<string, string> hide)
    {
        int t = 0;
        foreach (var dimension in groups.GroupBy(g => g.Dimension, StringComparer.Ordinal))
        {
            int j = 0;
            foreach (var g in dimension)
            {
                if (tables[t].IsSuppressed(0, j++))
                {
                    hide(g.Dimension, g.Group);
                }
            }
            t++;
        }
    }

    private static long[,] To2D(long[] row)
    {
        var table = new long[1, row.Length];
        for (int j = 0; j < row.Length; j++)
        {
            table[0, j] = row[j];
        }
        return table;
    }

    /// <summary>Whether a check's message or evidence quotes a withheld number.</summary>
    private static bool Withheld(ValidationCheck c, AudienceValidationReport report, AudienceSuppression s)
    {
        if (c.Segment is { } name && s.Segments.Contains(name))
        {
            return true;
        }
        return c.Check switch
        {
            "stability" => c.Segment is { } st && (s.Stability.Contains(st) || s.Previous.Contains(st)),
            "balance" or "sample-ratio" => s.HidesBalanceOf(c.Segment),
            "coverage" => c.Segment is { } cv && s.InCustomers.Contains(cv),
            "composition" => report.Segments.FirstOrDefault(x => x.Segment == c.Segment) is { } segment
                && segment.Composition.Any(g => g.UnderRepresented && (s.Population.Contains((g.Dimension, g.Group)) || s.Composition.Contains((segment.Segment, g.Dimension, g.Group)))),
            _ => false,
        };
    }

    /// <summary>The check's name, segment and status, without a number.</summary>
    private ValidationCheck WithoutNumbers(ValidationCheck c)
    {
        string who = c.Segment is null ? "all assigned customers" : $"segment '{c.Segment}'";
        string status = AudienceValidationJson.Status(c.Status);
        return c with
        {
            Message = string.Create(CultureInfo.InvariantCulture, $"{c.Check} {status}: {who}; numbers withheld (a count under {MinimumCustomers} customers)"),
            Evidence = new Dictionary<string, double>(),
        };
    }
}
