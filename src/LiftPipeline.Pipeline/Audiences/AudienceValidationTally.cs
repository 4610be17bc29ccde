using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Statistics.Audiences.Validation;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// One pass over a customers export for a validation: each customer's segments (a 64-bit mask found by binary search
/// in the sorted member keys, 16 bytes a member) and arm, counted into composition by country and age band, and into
/// arm counts and covariate moments per segment and over every assigned customer. Allocates per batch, not per row.
/// </summary>
internal sealed class AudienceValidationTally
{
    /// <summary>The covariates every export has (the others are numeric extra columns).</summary>
    public static readonly IReadOnlyList<string> BuiltIn = ["orders", "revenue", "discounted_share", "days_since_last_order", "days_since_first_order"];

    /// <summary>The most segments one refresh may have (one bit each).</summary>
    public const int MaxSegments = 64;

    private readonly ulong[] _keys;
    private readonly ulong[] _masks;
    private readonly AssignmentArms? _arms;
    private readonly int _segments;
    private readonly byte[] _id = new byte[24];
    private readonly int[] _covariates;

    /// <summary>
    /// A tally of <paramref name="members"/> and <paramref name="arms"/>; <paramref name="covariates"/> gives, per covariate,
    /// its index in <see cref="BuiltIn"/>, or −1 − e for extra column e of the reader.
    /// </summary>
    public AudienceValidationTally(SegmentMembers members, AssignmentArms? arms, int[] covariates)
    {
        _covariates = covariates;
        _segments = members.Segments.Count;
        (_keys, _masks) = Masks(members.Keys);
        _arms = arms;
        InCustomers = new long[_segments];
        Countries = new long[_segments + 1][];
        AgeBands = new long[_segments + 1][];
        for (int s = 0; s <= _segments; s++)
        {
            Countries[s] = [];
            AgeBands[s] = [];
        }
        if (arms is not null)
        {
            ArmCounts = new long[_segments + 1][];
            Moments = new CovariateAccumulator[_segments + 1];
            for (int s = 0; s <= _segments; s++)
            {
                ArmCounts[s] = new long[arms.Arms.Count];
                Moments[s] = new CovariateAccumulator(arms.Arms.Count, covariates.Length);
            }
        }
    }

    /// <summary>Rows read.</summary>
    public long Customers { get; private set; }

    /// <summary>Per segment, its members found in the export.</summary>
    public long[] InCustomers { get; }

    /// <summary>Per segment (the last entry: every customer), customers by country code + 1 (slot 0: no country).</summary>
    public long[][] Countries { get; }

    /// <summary>Per segment (the last entry: every customer), customers by age band code + 1 (slot 0: no age band).</summary>
    public long[][] AgeBands { get; }

    /// <summary>Per segment (the last entry: every assigned customer), customers per arm; null without an assignment.</summary>
    public long[][]? ArmCounts { get; }

    /// <summary>Per segment (the last entry: every assigned customer), covariate moments per arm; null without an assignment.</summary>
    public CovariateAccumulator[]? Moments { get; }

    /// <summary>Counts every row of <paramref name="batch"/>; <paramref name="reader"/>'s dictionaries give the group counts.</summary>
    public void Add(CustomerBatch batch, CustomerExportReader reader)
    {
        Grow(Countries, reader.Countries.Count + 1);
        Grow(AgeBands, reader.AgeBands.Count + 1);
        Span<double> values = stackalloc double[_covariates.Length];
        var text = batch.TextIds;
        int all = _segments;
        for (int i = 0; i < batch.Count; i++)
        {
            ulong key = batch.HasTextIds ? CustomerKey.Of(text[i].Span) : CustomerKey.Of(_id.AsSpan(0, batch.WriteId(i, _id)));
            int at = Array.BinarySearch(_keys, key);
            ulong mask = at < 0 ? 0 : _masks[at];
            int arm = _arms?.ArmOf(key) ?? -1;
            int country = batch.Countries[i] + 1, age = batch.AgeBands[i] + 1;
            Countries[all][country]++;
            AgeBands[all][age]++;
            if (arm >= 0)
            {
                ReadCovariates(batch, i, _covariates, values);
                Count(all, arm, values);
            }
            while (mask != 0)
            {
                int s = System.Numerics.BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                InCustomers[s]++;
                Countries[s][country]++;
                AgeBands[s][age]++;
                if (arm >= 0)
                {
                    Count(s, arm, values);
                }
            }
        }
        Customers += batch.Count;
    }

    private void Count(int group, int arm, ReadOnlySpan<double> values)
    {
        ArmCounts![group][arm]++;
        var moments = Moments![group];
        for (int c = 0; c < values.Length; c++)
        {
            moments.Add(arm, c, values[c]);
        }
    }

    private static void ReadCovariates(CustomerBatch batch, int row, ReadOnlySpan<int> covariates, Span<double> values)
    {
        int asOf = batch.AsOf[row];
        for (int c = 0; c < covariates.Length; c++)
        {
            values[c] = covariates[c] switch
            {
                0 => batch.Orders[row],
                1 => batch.Revenue[row],
                2 => batch.DiscountedShare[row],
                3 => batch.LastOrder[row] == CustomerBatch.NoDate ? double.NaN : asOf - batch.LastOrder[row],
                4 => batch.FirstOrder[row] == CustomerBatch.NoDate ? double.NaN : asOf - batch.FirstOrder[row],
                var extra => batch.ExtraNumbers(-1 - extra)[row],
            };
        }
    }

    private static void Grow(long[][] counts, int length)
    {
        for (int s = 0; s < counts.Length; s++)
        {
            if (counts[s].Length < length)
            {
                Array.Resize(ref counts[s], Math.Max(length, counts[s].Length * 2));
            }
        }
    }

    /// <summary>The distinct members of every segment, sorted, with the mask of the segments each is in.</summary>
    private static (ulong[] Keys, ulong[] Masks) Masks(IReadOnlyList<ulong[]> segments)
    {
        long total = 0;
        foreach (var keys in segments)
        {
            total += keys.Length;
        }
        var all = new ulong[total];
        var bits = new ulong[total];
        int at = 0;
        for (int s = 0; s < segments.Count; s++)
        {
            segments[s].CopyTo(all, at);
            bits.AsSpan(at, segments[s].Length).Fill(1UL << s);
            at += segments[s].Length;
        }
        Array.Sort(all, bits);
        int distinct = 0;
        for (int i = 0; i < all.Length; i++)
        {
            if (distinct > 0 && all[distinct - 1] == all[i])
            {
                bits[distinct - 1] |= bits[i];
                continue;
            }
            all[distinct] = all[i];
            bits[distinct++] = bits[i];
        }
        return (all[..distinct], bits[..distinct]);
    }
}
