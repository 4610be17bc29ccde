using System.Globalization;
using System.Text;

namespace LiftPipeline.Ingestion.Columns;

/// <summary>
/// Assigns dense codes (0, 1, 2, …) to the distinct values of a text or integer column in order of first
/// appearance. UTF-8 values already seen are found by their bytes in a small open-addressing table, without
/// decoding or allocating: this runs once per row of every category column. Not thread-safe.
/// </summary>
public sealed class CategoryDictionary
{
    private readonly List<string> _names = [];
    private ByteEntry[] _byBytes = new ByteEntry[16];
    private int _byteCount;
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<long, int> _byInteger = [];

    /// <summary>Distinct values in code order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Number of distinct values.</summary>
    public int Count => _names.Count;

    /// <summary>The code of <paramref name="name"/>, or -1 when it has not been seen.</summary>
    public int CodeOf(string name) => _codes.TryGetValue(name, out int code) ? code : -1;

    /// <summary>The code of a value given as text, adding it when new.</summary>
    public int GetOrAdd(string name)
    {
        if (!_codes.TryGetValue(name, out int code))
        {
            code = _names.Count;
            _names.Add(name);
            _codes.Add(name, code);
        }
        return code;
    }

    /// <summary>The code of a value given as UTF-8 bytes, adding it when new.</summary>
    public int GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        ulong hash = Hash(utf8);
        int mask = _byBytes.Length - 1;
        for (int slot = (int)(hash & (ulong)mask); ; slot = (slot + 1) & mask)
        {
            ref var entry = ref _byBytes[slot];
            if (entry.Bytes is null)
            {
                return AddBytes(ref entry, hash, utf8);
            }
            if (entry.Hash == hash && utf8.SequenceEqual(entry.Bytes))
            {
                return entry.Code;
            }
        }
    }

    private int AddBytes(ref ByteEntry entry, ulong hash, ReadOnlySpan<byte> utf8)
    {
        int code = GetOrAdd(Encoding.UTF8.GetString(utf8));
        entry = new ByteEntry(hash, utf8.ToArray(), code);
        if (++_byteCount * 2 > _byBytes.Length)
        {
            Rehash();
        }
        return code;
    }

    private void Rehash()
    {
        var old = _byBytes;
        _byBytes = new ByteEntry[old.Length * 2];
        int mask = _byBytes.Length - 1;
        foreach (var entry in old)
        {
            if (entry.Bytes is null)
            {
                continue;
            }
            int slot = (int)(entry.Hash & (ulong)mask);
            while (_byBytes[slot].Bytes is not null)
            {
                slot = (slot + 1) & mask;
            }
            _byBytes[slot] = entry;
        }
    }

    // Short keys (arms, segments, surfaces) fit in one word: mix it with the length; longer keys use HashCode.
    private static ulong Hash(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length <= 8)
        {
            ulong word = 0;
            for (int i = 0; i < utf8.Length; i++)
            {
                word |= (ulong)utf8[i] << (8 * i);
            }
            return Mix(word ^ ((ulong)utf8.Length << 59));
        }
        var hash = new HashCode();
        hash.AddBytes(utf8);
        return Mix(unchecked((ulong)(uint)hash.ToHashCode()) ^ ((ulong)utf8.Length << 32));
    }

    // MurmurHash3's 64-bit finaliser: every input bit reaches every output bit, so low bits make good slots.
    private static ulong Mix(ulong x)
    {
        unchecked
        {
            x ^= x >> 33;
            x *= 0xFF51AFD7ED558CCDUL;
            x ^= x >> 33;
            x *= 0xC4CEB9FE1A85EC53UL;
            return x ^ (x >> 33);
        }
    }

    private readonly record struct ByteEntry(ulong Hash, byte[]? Bytes, int Code);

    /// <summary>The code of an integer value (named by its invariant decimal text), adding it when new.</summary>
    public int GetOrAdd(long value)
    {
        if (!_byInteger.TryGetValue(value, out int code))
        {
            code = GetOrAdd(value.ToString(CultureInfo.InvariantCulture));
            _byInteger.Add(value, code);
        }
        return code;
    }
}
