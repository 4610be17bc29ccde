using System.Globalization;

namespace LiftPipeline.Statistics.Audiences;

/// <summary>
/// Arms and their shares in basis points of the hash's <see cref="HoldoutHash.Buckets"/> buckets: arm <c>i</c> takes the
/// buckets from the sum of the earlier arms' basis points up to (not including) that sum plus its own, in the order given.
/// Immutable and thread-safe.
/// </summary>
public sealed class BucketAllocation
{
    private readonly int[] _upper;

    private BucketAllocation(IReadOnlyList<string> arms, int[] basisPoints)
    {
        Arms = arms;
        BasisPoints = basisPoints;
        _upper = new int[basisPoints.Length];
        int cumulative = 0;
        for (int i = 0; i < basisPoints.Length; i++)
        {
            cumulative += basisPoints[i];
            _upper[i] = cumulative;
        }
    }

    /// <summary>Arm names in allocation order.</summary>
    public IReadOnlyList<string> Arms { get; }

    /// <summary>Each arm's share in basis points (1 = 0.01 %); they sum to 10,000.</summary>
    public IReadOnlyList<int> BasisPoints { get; }

    /// <summary>
    /// The allocation of <paramref name="shares"/> (arm → share of 1, in order). Each share must be a whole number of basis
    /// points (a multiple of 0.0001) strictly between 0 and 1, the arms distinct and the shares summing to 1.
    /// </summary>
    /// <exception cref="ArgumentException">The shares break a rule; the message names the arm and the rule.</exception>
    public static BucketAllocation FromShares(IReadOnlyList<KeyValuePair<string, double>> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var basisPoints = new List<KeyValuePair<string, int>>(shares.Count);
        foreach (var (arm, share) in shares)
        {
            double points = share * HoldoutHash.Buckets;
            int rounded = (int)Math.Round(Math.Clamp(points, -1, HoldoutHash.Buckets + 1));
            if (!double.IsFinite(share) || Math.Abs(points - rounded) > 1e-6 || rounded <= 0 || rounded >= HoldoutHash.Buckets)
            {
                throw new ArgumentException($"arm '{arm}' has share {share.ToString("R", CultureInfo.InvariantCulture)}; give a share strictly between 0 and 1 in whole basis points (a multiple of 0.0001)", nameof(shares));
            }
            basisPoints.Add(new KeyValuePair<string, int>(arm, rounded));
        }
        return FromBasisPoints(basisPoints);
    }

    /// <summary>The allocation of <paramref name="basisPoints"/> (arm → basis points, in order), which must sum to 10,000.</summary>
    /// <exception cref="ArgumentException">An empty or duplicate arm name, fewer than two arms, a non-positive share, or a sum other than 10,000.</exception>
    public static BucketAllocation FromBasisPoints(IReadOnlyList<KeyValuePair<string, int>> basisPoints)
    {
        ArgumentNullException.ThrowIfNull(basisPoints);
        if (basisPoints.Count < 2)
        {
            throw new ArgumentException("an allocation needs at least two arms, such as holdout=0.1,vbo=0.9", nameof(basisPoints));
        }
        var names = new List<string>(basisPoints.Count);
        var points = new int[basisPoints.Count];
        long sum = 0;
        for (int i = 0; i < basisPoints.Count; i++)
        {
            var (arm, bp) = basisPoints[i];
            if (string.IsNullOrWhiteSpace(arm) || names.Contains(arm, StringComparer.Ordinal))
            {
                throw new ArgumentException($"arm '{arm}' is empty or named twice; give each arm one distinct name", nameof(basisPoints));
            }
            if (bp <= 0)
            {
                throw new ArgumentException($"arm '{arm}' has {bp} basis points; every arm needs at least 1", nameof(basisPoints));
            }
            names.Add(arm);
            points[i] = bp;
            sum += bp;
        }
        if (sum != HoldoutHash.Buckets)
        {
            throw new ArgumentException($"the arms' shares sum to {sum / (double)HoldoutHash.Buckets:0.####}; planned shares must sum to 1", nameof(basisPoints));
        }
        return new BucketAllocation(names, points);
    }

    /// <summary>The index in <see cref="Arms"/> of the arm that holds <paramref name="bucket"/> (0 to 9,999).</summary>
    public int ArmOf(int bucket)
    {
        var upper = _upper;
        for (int i = 0; i < upper.Length; i++)
        {
            if (bucket < upper[i])
            {
                return i;
            }
        }
        throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "a bucket is 0 to 9,999");
    }

    /// <summary>Each arm's planned share of 1, in arm order (for the sample-ratio check).</summary>
    public double[] Shares()
    {
        var shares = new double[BasisPoints.Count];
        for (int i = 0; i < shares.Length; i++)
        {
            shares[i] = BasisPoints[i] / (double)HoldoutHash.Buckets;
        }
        return shares;
    }
}
