namespace LiftPipeline.Statistics.Audiences.Segments;

/// <summary>
/// RFM quintile scores 1–5 by rank, as SQL's <c>NTILE(5) OVER (ORDER BY value, customer_id)</c>: customers are sorted by
/// the value (ascending; NaN first) and ties by the rank of their id, so equal values split by id and a customer keeps
/// its score while the values keep their order. Recency ranks the last order date (more recent = 5, no orders first),
/// frequency the orders, monetary the revenue. Memory: the caller's arrays plus 12 bytes per customer while scoring.
/// </summary>
public static class RfmScores
{
    /// <summary>
    /// Writes each customer's quintile of <paramref name="values"/> into <paramref name="scores"/> (1–5), given each
    /// customer's position in id order <paramref name="idRanks"/> (a permutation of 0…n-1).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static void Quintiles(ReadOnlySpan<double> values, ReadOnlySpan<int> idRanks, Span<byte> scores)
    {
        int n = values.Length;
        if (idRanks.Length != n || scores.Length < n)
        {
            throw new ArgumentException("values, id ranks and scores must have one entry per customer");
        }
        var keys = values.ToArray();
        var ranks = idRanks.ToArray();
        // Sort by value, then put each run of equal values in id order: the order of ORDER BY value, customer_id.
        Array.Sort(keys, ranks);
        int start = 0;
        for (int i = 1; i <= n; i++)
        {
            if (i == n || !SameKey(keys[i], keys[start]))
            {
                if (i - start > 1)
                {
                    Array.Sort(ranks, start, i - start);
                }
                start = i;
            }
        }
        var customerOfRank = new int[n];
        for (int i = 0; i < n; i++)
        {
            customerOfRank[idRanks[i]] = i;
        }
        for (int position = 0; position < n; position++)
        {
            scores[customerOfRank[ranks[position]]] = (byte)(Ntile(position, n, 5) + 1);
        }
    }

    /// <summary>SQL's NTILE: the 0-based tile of 0-based <paramref name="position"/> of <paramref name="n"/> rows in <paramref name="tiles"/> tiles, the first n mod tiles tiles one row larger.</summary>
    public static int Ntile(int position, int n, int tiles)
    {
        int size = n / tiles, larger = n % tiles;
        int inLarger = larger * (size + 1);
        return position < inLarger ? position / (size + 1) : larger + (position - inLarger) / size;
    }

    /// <summary>Each integer id's position in ascending id order.</summary>
    public static int[] IdRanks(ReadOnlySpan<long> ids)
    {
        var keys = ids.ToArray();
        var order = Sequence(keys.Length);
        Array.Sort(keys, order);
        return Invert(order);
    }

    /// <summary>
    /// Each text id's position in ordinal UTF-8 byte order (as DuckDB orders text); id i is
    /// <paramref name="bytes"/>[<paramref name="offsets"/>[i] .. <paramref name="offsets"/>[i + 1]].
    /// </summary>
    public static int[] IdRanks(byte[] bytes, ReadOnlySpan<long> offsets)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var order = Sequence(offsets.Length - 1);
        var starts = offsets.ToArray();
        Array.Sort(order, (a, b) => bytes.AsSpan((int)starts[a], (int)(starts[a + 1] - starts[a]))
            .SequenceCompareTo(bytes.AsSpan((int)starts[b], (int)(starts[b + 1] - starts[b]))));
        return Invert(order);
    }

    private static bool SameKey(double a, double b) => a == b || (double.IsNaN(a) && double.IsNaN(b));

    private static int[] Sequence(int n)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        return order;
    }

    private static int[] Invert(int[] order)
    {
        var rank = new int[order.Length];
        for (int position = 0; position < order.Length; position++)
        {
            rank[order[position]] = position;
        }
        return rank;
    }
}
