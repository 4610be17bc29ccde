namespace LiftPipeline.Statistics.Experiments;

/// <summary>One bucket of a <see cref="QuantileSketch"/>: <see cref="Count"/> values in (<see cref="Lower"/>, <see cref="Upper"/>] (both 0 for the zero bucket).</summary>
public readonly record struct SketchBucket(double Lower, double Upper, long Count);

/// <summary>
/// A mergeable quantile sketch with relative accuracy α (after DDSketch, Masson, Rim &amp; Lee 2019): value x &gt; 0 falls in
/// bucket i = ⌈log_γ x⌉, γ = (1 + α)/(1 − α), covering (γ^(i−1), γ^i]; negative values in a mirrored store; |x| below
/// <see cref="MinIndexable"/> in a zero count. Any quantile is returned within relative error α of the exact order
/// statistic, and merging two sketches of the same α gives exactly the sketch of the union.
/// Memory: one long per bucket between the smallest and largest bucket seen, ≈ ln(max/min)/(2α) buckets per sign
/// (≈ 920 for values from 0.01 to 10⁶ at α = 1 %). Not thread-safe.
/// </summary>
public sealed partial class QuantileSketch
{
    /// <summary>Magnitudes below this count as zero.</summary>
    public const double MinIndexable = 1e-12;

    private readonly double _gamma;
    private readonly double _multiplier;
    private readonly BucketBounds? _bounds;
    private readonly Store _positive = new();
    private readonly Store _negative = new();

    /// <summary>An empty sketch with relative accuracy <paramref name="relativeAccuracy"/> (0 &lt; α &lt; 1).</summary>
    public QuantileSketch(double relativeAccuracy = 0.01)
    {
        if (!(relativeAccuracy > 0 && relativeAccuracy < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeAccuracy), relativeAccuracy, "the relative accuracy must be in (0, 1)");
        }
        RelativeAccuracy = relativeAccuracy;
        _gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
        _multiplier = 1 / Math.Log(_gamma);
        _bounds = BucketBounds.For(relativeAccuracy, _gamma, _multiplier);
    }

    /// <summary>The relative accuracy α.</summary>
    public double RelativeAccuracy { get; }

    /// <summary>Values added.</summary>
    public long Count => _positive.Total + _negative.Total + ZeroCount;

    /// <summary>Values of magnitude below <see cref="MinIndexable"/>.</summary>
    public long ZeroCount { get; private set; }

    /// <summary>Adds one value. NaN and infinities are rejected.</summary>
    public void Add(double value)
    {
        if (value > MinIndexable && value <= double.MaxValue)
        {
            _positive.Increment(Index(value));
        }
        else if (value < -MinIndexable && value >= -double.MaxValue)
        {
            _negative.Increment(Index(-value));
        }
        else if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "a sketch cannot hold NaN or an infinity");
        }
        else
        {
            ZeroCount++;
        }
    }

    /// <summary>Adds every value of <paramref name="other"/> (same α) into this sketch.</summary>
    public void Merge(QuantileSketch other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.RelativeAccuracy != RelativeAccuracy)
        {
            throw new ArgumentException($"cannot merge a sketch of relative accuracy {other.RelativeAccuracy} into one of {RelativeAccuracy}", nameof(other));
        }
        _positive.Merge(other._positive);
        _negative.Merge(other._negative);
        ZeroCount += other.ZeroCount;
    }

    /// <summary>A copy that can be merged into without changing this sketch.</summary>
    public QuantileSketch Clone()
    {
        var copy = new QuantileSketch(RelativeAccuracy);
        copy.Merge(this);
        return copy;
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0 ≤ q ≤ 1): within relative error α of the sorted value at index ⌊q(n − 1)⌋.
    /// NaN when empty.
    /// </summary>
    public double Quantile(double quantile)
    {
        if (!(quantile >= 0 && quantile <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "the quantile must be in [0, 1]");
        }
        long n = Count;
        if (n == 0)
        {
            return double.NaN;
        }
        long rank = (long)Math.Floor(quantile * (n - 1));
        long seen = 0;
        for (int i = _negative.MaxIndex; i >= _negative.MinIndex; i--)
        {
            seen += _negative.CountAt(i);
            if (seen > rank)
            {
                return -Representative(i);
            }
        }
        seen += ZeroCount;
        if (seen > rank)
        {
            return 0;
        }
        for (int i = _positive.MinIndex; i <= _positive.MaxIndex; i++)
        {
            seen += _positive.CountAt(i);
            if (seen > rank)
            {
                return Representative(i);
            }
        }
        return Representative(_positive.MaxIndex);
    }

    /// <summary>The non-empty buckets in ascending order of value, for fitting tails.</summary>
    public IReadOnlyList<SketchBucket> Buckets()
    {
        var buckets = new List<SketchBucket>();
        for (int i = _negative.MaxIndex; i >= _negative.MinIndex; i--)
        {
            if (_negative.CountAt(i) > 0)
            {
                buckets.Add(new SketchBucket(-Math.Pow(_gamma, i), -Math.Pow(_gamma, i - 1), _negative.CountAt(i)));
            }
        }
        if (ZeroCount > 0)
        {
            buckets.Add(new SketchBucket(0, 0, ZeroCount));
        }
        for (int i = _positive.MinIndex; i <= _positive.MaxIndex; i++)
        {
            if (_positive.CountAt(i) > 0)
            {
                buckets.Add(new SketchBucket(Math.Pow(_gamma, i - 1), Math.Pow(_gamma, i), _positive.CountAt(i)));
            }
        }
        return buckets;
    }

    // i = ⌈log_γ x⌉ (DDSketch's logarithmic mapping), from the bound table when there is one: no logarithm per value.
    private int Index(double magnitude) => _bounds?.Index(magnitude) ?? (int)Math.Ceiling(Math.Log(magnitude) * _multiplier);

    // The point of (γ^(i−1), γ^i] with equal relative distance α to both ends (DDSketch §2).
    private double Representative(int index) => 2 * Math.Pow(_gamma, index) / (_gamma + 1);

    /// <summary>Dense counts for bucket indices MinIndex..MaxIndex, growing in either direction.</summary>
    private sealed class Store
    {
        private long[] _counts = [];
        private int _offset;

        public long Total { get; private set; }

        public int MinIndex { get; private set; } = 0;

        public int MaxIndex { get; private set; } = -1;

        public long CountAt(int index) => _counts[index - _offset];

        public void Increment(int index)
        {
            int slot = index - _offset;
            if (index >= MinIndex && index <= MaxIndex)
            {
                _counts[slot]++;
                Total++;
                return;
            }
            Add(index, 1);
        }

        public void Add(int index, long count)
        {
            if (Total == 0 && MaxIndex < MinIndex)
            {
                _counts = new long[64];
                _offset = index - 32;
                MinIndex = MaxIndex = index;
            }
            else if (index < MinIndex || index > MaxIndex)
            {
                Extend(Math.Min(index, MinIndex), Math.Max(index, MaxIndex));
            }
            _counts[index - _offset] += count;
            Total += count;
        }

        public void Merge(Store other)
        {
            for (int i = other.MinIndex; i <= other.MaxIndex; i++)
            {
                long count = other.CountAt(i);
                if (count > 0)
                {
                    Add(i, count);
                }
            }
        }

        private void Extend(int min, int max)
        {
            if (min < _offset || max - _offset >= _counts.Length)
            {
                int span = max - min + 1;
                var grown = new long[Math.Max(span * 2, _counts.Length * 2)];
                int offset = min - (grown.Length - span) / 2;
                Array.Copy(_counts, MinIndex - _offset, grown, MinIndex - offset, MaxIndex - MinIndex + 1);
                _counts = grown;
                _offset = offset;
            }
            MinIndex = min;
            MaxIndex = max;
        }
    }
}
