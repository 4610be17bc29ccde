namespace LiftPipeline.Statistics.Experiments;

/// <summary>
/// A <see cref="QuantileSketch"/> as plain data: its relative accuracy, zero count, and per sign the bucket index of the
/// first count and the dense counts from there (leading and trailing empty buckets dropped). Bucket indices are those of
/// the sketch's mapping, so a state is only meaningful to the code version that wrote it (storage records that version).
/// </summary>
/// <param name="RelativeAccuracy">α, in (0, 1).</param>
/// <param name="ZeroCount">Values of magnitude below <see cref="QuantileSketch.MinIndexable"/>.</param>
/// <param name="PositiveOffset">Bucket index of <paramref name="PositiveCounts"/>[0].</param>
/// <param name="PositiveCounts">Counts of positive values per bucket, from <paramref name="PositiveOffset"/> up.</param>
/// <param name="NegativeOffset">Bucket index (of the magnitude) of <paramref name="NegativeCounts"/>[0].</param>
/// <param name="NegativeCounts">Counts of negative values per bucket of their magnitude, from <paramref name="NegativeOffset"/> up.</param>
public sealed record QuantileSketchState(double RelativeAccuracy, long ZeroCount, int PositiveOffset, long[] PositiveCounts, int NegativeOffset, long[] NegativeCounts);

public sealed partial class QuantileSketch
{
    /// <summary>This sketch as plain data (a copy: later additions do not change it).</summary>
    public QuantileSketchState ToState()
    {
        var (positiveOffset, positive) = StateOf(_positive);
        var (negativeOffset, negative) = StateOf(_negative);
        return new QuantileSketchState(RelativeAccuracy, ZeroCount, positiveOffset, positive, negativeOffset, negative);
    }

    /// <summary>The sketch <paramref name="state"/> describes.</summary>
    /// <exception cref="ArgumentException">The state is inconsistent: α outside (0, 1), a negative count, counts that overflow, or bucket indices out of range.</exception>
    public static QuantileSketch FromState(QuantileSketchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!(state.RelativeAccuracy > 0 && state.RelativeAccuracy < 1))
        {
            throw new ArgumentException($"a sketch state's relative accuracy must be in (0, 1), not {state.RelativeAccuracy}", nameof(state));
        }
        if (state.ZeroCount < 0)
        {
            throw new ArgumentException($"a sketch state's zero count must not be negative ({state.ZeroCount})", nameof(state));
        }
        var sketch = new QuantileSketch(state.RelativeAccuracy) { ZeroCount = state.ZeroCount };
        Restore(sketch._positive, state.PositiveOffset, state.PositiveCounts ?? [], "positive");
        Restore(sketch._negative, state.NegativeOffset, state.NegativeCounts ?? [], "negative");
        if (sketch._positive.Total > long.MaxValue - state.ZeroCount - sketch._negative.Total)
        {
            throw new ArgumentException("a sketch state's counts overflow a 64-bit total", nameof(state));
        }
        return sketch;
    }

    private static (int Offset, long[] Counts) StateOf(Store store)
    {
        int first = store.MinIndex;
        int last = store.MaxIndex;
        while (first <= last && store.CountAt(first) == 0)
        {
            first++;
        }
        while (last >= first && store.CountAt(last) == 0)
        {
            last--;
        }
        if (first > last)
        {
            return (0, []);
        }
        var counts = new long[last - first + 1];
        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] = store.CountAt(first + i);
        }
        return (first, counts);
    }

    private static void Restore(Store store, int offset, long[] counts, string side)
    {
        if (counts.Length > 0 && (long)offset + counts.Length - 1 > int.MaxValue)
        {
            throw new ArgumentException($"a sketch state's {side} buckets run past the largest bucket index", "state");
        }
        long total = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            long count = counts[i];
            if (count < 0)
            {
                throw new ArgumentException($"a sketch state's {side} bucket {offset + i} has a negative count ({count})", "state");
            }
            if (count > long.MaxValue - total)
            {
                throw new ArgumentException($"a sketch state's {side} counts overflow a 64-bit total", "state");
            }
            total += count;
            if (count > 0)
            {
                store.Add(offset + i, count);
            }
        }
    }
}
