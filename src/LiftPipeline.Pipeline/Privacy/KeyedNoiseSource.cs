using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LiftPipeline.Pipeline.Privacy;

/// <summary>
/// The uniform draws behind a run's noise: HMAC-SHA256(key, label ‖ block counter) in counter mode, 64 bits per draw.
/// The same key and label give the same draws (reprocessing a run releases the same bytes); without the key they cannot
/// be predicted, so the noise cannot be subtracted from a released table — a seed made from public ids (or any 32-bit
/// seed, which can be searched) would let anyone do that. Not thread-safe.
/// </summary>
internal sealed class KeyedNoiseSource : Random
{
    private readonly byte[] _key;
    private readonly byte[] _message;
    private readonly byte[] _block = new byte[32];
    private long _counter;
    private int _used = 32;

    /// <param name="key">The campaign's secret noise key (<see cref="NoiseKey"/>).</param>
    /// <param name="label">What the draws are for, e.g. the run id.</param>
    public KeyedNoiseSource(byte[] key, string label)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(label);
        _key = key;
        int length = Encoding.UTF8.GetByteCount(label);
        _message = new byte[length + 8];
        Encoding.UTF8.GetBytes(label, _message);
    }

    /// <summary>A uniform draw in [0, 1) with 53 random bits.</summary>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <inheritdoc />
    protected override double Sample() => NextDouble();

    /// <inheritdoc />
    public override int Next() => (int)(NextUInt64() >> 33);

    /// <inheritdoc />
    public override int Next(int maxValue) => Next(0, maxValue);

    /// <inheritdoc />
    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return minValue + (int)(NextDouble() * ((long)maxValue - minValue));
    }

    /// <inheritdoc />
    public override long NextInt64() => (long)(NextUInt64() >> 1);

    /// <inheritdoc />
    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    /// <inheritdoc />
    public override void NextBytes(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)NextUInt64();
        }
    }

    private ulong NextUInt64()
    {
        if (_used + 8 > _block.Length)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_message.AsSpan(_message.Length - 8), _counter++);
            HMACSHA256.HashData(_key, _message, _block);
            _used = 0;
        }
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(_block.AsSpan(_used));
        _used += 8;
        return value;
    }
}
