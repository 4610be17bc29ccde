using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LiftPipeline.Ingestion.Columns;

/// <summary>
/// Category codes of the byte-array instances of one loaded chunk. Parquet.Net materialises each entry of a dictionary
/// page once and hands out that same array for every row that refers to it, so a dictionary-encoded chunk is a few
/// instances repeated: a row's code is found by the instance's identity hash, one table slot and a reference comparison,
/// without reading or hashing its bytes. Values that are not shared (PLAIN pages, or more distinct instances than
/// <see cref="Capacity"/>) go to the <see cref="CategoryDictionary"/>'s hash of the bytes.
/// Valid for one chunk: <see cref="Clear"/> whenever the chunk is reloaded.
/// </summary>
internal sealed class InstanceCodeCache
{
    /// <summary>Distinct instances remembered per chunk; past this the chunk is treated as not dictionary-encoded.</summary>
    public const int Capacity = 64;

    // Four slots per instance at most, so a slot rarely holds another instance and the hit path has no data-dependent branch.
    private const int Slots = 4 * Capacity;

    private readonly Entry[] _table = new Entry[Slots];
    private int _count;
    private bool _full;

    /// <summary>Forgets every instance (their arrays belong to the chunk just replaced).</summary>
    public void Clear()
    {
        if (_count > 0)
        {
            Array.Clear(_table);
        }
        _count = 0;
        _full = false;
    }

    /// <summary>The code of <paramref name="value"/> in <paramref name="dictionary"/>, adding it there when new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int CodeOf(ReadOnlyMemory<byte> value, CategoryDictionary dictionary)
    {
        if (!_full && MemoryMarshal.TryGetArray(value, out var segment))
        {
            ref var entry = ref _table[Slot(segment)];
            if (ReferenceEquals(entry.Array, segment.Array) && entry.Offset == segment.Offset && entry.Length == segment.Count)
            {
                return entry.Code;
            }
        }
        return Miss(value, dictionary);
    }

    private static int Slot(ArraySegment<byte> segment) => unchecked(RuntimeHelpers.GetHashCode(segment.Array!) ^ (segment.Offset * 31)) & (Slots - 1);

    private int Miss(ReadOnlyMemory<byte> value, CategoryDictionary dictionary)
    {
        if (_full || !MemoryMarshal.TryGetArray(value, out var segment))
        {
            return dictionary.GetOrAdd(value.Span);
        }
        for (int slot = Slot(segment); ; slot = (slot + 1) & (Slots - 1))
        {
            ref var entry = ref _table[slot];
            if (ReferenceEquals(entry.Array, segment.Array) && entry.Offset == segment.Offset && entry.Length == segment.Count)
            {
                return entry.Code;
            }
            if (entry.Array is null)
            {
                return Add(ref entry, segment, dictionary);
            }
        }
    }

    private int Add(ref Entry entry, ArraySegment<byte> segment, CategoryDictionary dictionary)
    {
        int code = dictionary.GetOrAdd(segment.AsSpan());
        if (_count == Capacity)
        {
            _full = true;
            return code;
        }
        entry = new Entry(segment.Array, segment.Offset, segment.Count, code);
        _count++;
        return code;
    }

    private readonly record struct Entry(byte[]? Array, int Offset, int Length, int Code);
}
