using System.Collections.Concurrent;

namespace LiftPipeline.Statistics.Experiments;

public sealed partial class QuantileSketch
{
    /// <summary>
    /// The upper bounds γ^i of every bucket a finite magnitude above <see cref="MinIndexable"/> can fall in, shared by all
    /// sketches of one α, so that a value's bucket i = ⌈log_γ x⌉ (the smallest i with x ≤ γ^i) is found without a logarithm:
    /// a guess from the exponent bits and a 1,024-slot table of log₂ of the mantissa's leading bits (a slot spans under
    /// 0.0015 octave, a bucket ≈ 2.9α octave), corrected by comparing x with the bounds. The buckets are exactly those of
    /// the logarithm; only the arithmetic that finds them differs. Null when α is so small that the table would pass
    /// <see cref="MaxBuckets"/> entries: those sketches take the logarithm.
    /// </summary>
    private sealed class BucketBounds
    {
        private const int MaxBuckets = 1 << 20;
        private const int MantissaBits = 10;
        private static readonly double[] Log2OfSlot = Log2OfSlots();
        private static readonly ConcurrentDictionary<double, BucketBounds?> Shared = new();

        private readonly double[] _upper;
        private readonly int _minIndex;
        private readonly double _indexPerOctave;

        private BucketBounds(double gamma, double multiplier, int minIndex, int maxIndex)
        {
            _minIndex = minIndex;
            _indexPerOctave = Math.Log(2) * multiplier;
            _upper = new double[maxIndex - minIndex + 1];
            for (int i = 0; i < _upper.Length; i++)
            {
                _upper[i] = Math.Pow(gamma, minIndex + i);
            }
        }

        public static BucketBounds? For(double alpha, double gamma, double multiplier) => Shared.GetOrAdd(alpha, _ =>
        {
            // One bucket of margin each side, so the guess and its correction never leave the table.
            int min = (int)Math.Ceiling(Math.Log(MinIndexable) * multiplier) - 2;
            long max = (long)Math.Ceiling(Math.Log(double.MaxValue) * multiplier) + 2;
            return max - min + 1 > MaxBuckets ? null : new BucketBounds(gamma, multiplier, min, (int)max);
        });

        /// <summary>The bucket of a finite <paramref name="magnitude"/> above <see cref="MinIndexable"/>.</summary>
        public int Index(double magnitude)
        {
            long bits = BitConverter.DoubleToInt64Bits(magnitude);
            int exponent = (int)(bits >> 52) - 1023;
            int slot = (int)(bits >> (52 - MantissaBits)) & ((1 << MantissaBits) - 1);
            // log₂ x ≥ exponent + log₂(slot's lower end), so this guess is at most one bucket low (or high, by rounding).
            int at = (int)Math.Ceiling((exponent + Log2OfSlot[slot]) * _indexPerOctave) - _minIndex;
            var upper = _upper;
            while (magnitude > upper[at])
            {
                at++;
            }
            while (magnitude <= upper[at - 1])
            {
                at--;
            }
            return at + _minIndex;
        }

        private static double[] Log2OfSlots()
        {
            var table = new double[1 << MantissaBits];
            for (int k = 0; k < table.Length; k++)
            {
                table[k] = Math.Log2(1 + k / (double)table.Length);
            }
            return table;
        }
    }
}
