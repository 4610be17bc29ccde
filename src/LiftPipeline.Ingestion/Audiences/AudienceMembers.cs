using System.Buffers.Text;
using System.Text;
using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Ingestion.ParquetFormat;

namespace LiftPipeline.Ingestion.Audiences;

/// <summary>
/// The customers of an audience to activate, read from a membership file (an assignment file, or any Parquet file with
/// <c>customer_id</c> and optionally <c>arm</c>): ids are kept as UTF-8 text (integers in decimal) in one byte store and
/// an open-addressing table, so looking a customer up allocates nothing. Not thread-safe while reading; read-only after.
/// </summary>
public sealed class AudienceMembers : ICustomerSet
{
    private byte[] _bytes = new byte[1 << 16];
    private int _used;
    private Entry[] _table = new Entry[1 << 10];

    private AudienceMembers()
    {
    }

    /// <summary>Distinct members.</summary>
    public long Count { get; private set; }

    /// <summary>Rows of the membership file left out because of their arm.</summary>
    public long ExcludedByArm { get; private set; }

    /// <summary>
    /// Reads the members of <paramref name="file"/>: every row, or with an <c>arm</c> column only the rows whose arm is not in
    /// <paramref name="excludedArms"/> (the holdout arms, which must never be activated).
    /// </summary>
    /// <exception cref="ExportValidationException">No <c>customer_id</c> (after <paramref name="columns"/>), a wrong type, or a null id.</exception>
    public static async Task<AudienceMembers> ReadAsync(ExportFile file, IReadOnlySet<string> excludedArms, ColumnMapping? columns = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(excludedArms);
        var errors = new ExportErrorCollector(file.Name);
        var resolver = new ContractColumnResolver(file, columns ?? ColumnMapping.Default, errors);
        var idColumn = resolver.Required(AssignmentColumns.CustomerId, Customers.CustomerLayout.CanBeId, "text or integer");
        var armColumn = resolver.Optional(AssignmentColumns.Arm, ColumnDecoders.CanBeCategory, "text or integer");
        errors.ThrowIfAny();
        var members = new AudienceMembers();
        var id = new ColumnChunkBuffer(idColumn!);
        var arm = armColumn is null ? null : new ColumnChunkBuffer(armColumn);
        var arms = new CategoryDictionary();
        int[] armCodes = [];
        bool[] excluded = [];
        var number = new byte[24];
        long firstRow = 0;
        for (int g = 0; g < file.RowGroupCount; g++)
        {
            int n = checked((int)file.RowGroupRows[g]);
            await id.LoadAsync(file, g, cancellationToken).ConfigureAwait(false);
            if (id.HasNulls)
            {
                throw ExportValidationException.Single(file.Name, ExportErrorCodes.NullValue, "null customer_id", idColumn!.Name, [firstRow + FirstNull(id)]);
            }
            if (arm is not null)
            {
                if (armCodes.Length < n)
                {
                    armCodes = new int[n];
                }
                await arm.LoadAsync(file, g, cancellationToken).ConfigureAwait(false);
                ColumnDecoders.Categories(arm, arms, armCodes);
                if (excluded.Length < arms.Count)
                {
                    excluded = arms.Names.Select(excludedArms.Contains).ToArray();
                }
            }
            members.AddRows(id, arm is null ? default : armCodes.AsSpan(0, n), excluded, number);
            firstRow += n;
        }
        return members;
    }

    /// <inheritdoc/>
    public bool Contains(ReadOnlySpan<byte> idUtf8)
    {
        ulong hash = Hash(idUtf8);
        int mask = _table.Length - 1;
        for (int slot = (int)(hash & (ulong)mask); ; slot = (slot + 1) & mask)
        {
            ref var entry = ref _table[slot];
            if (entry.Length == 0)
            {
                return false;
            }
            if (entry.Hash == hash && idUtf8.SequenceEqual(_bytes.AsSpan(entry.Offset, entry.Length - 1)))
            {
                return true;
            }
        }
    }

    /// <summary>True when the customer <paramref name="id"/> is a member.</summary>
    public bool Contains(string id) => Contains(Encoding.UTF8.GetBytes(id ?? throw new ArgumentNullException(nameof(id))));

    private void AddRows(ColumnChunkBuffer id, ReadOnlySpan<int> armCodes, bool[] excluded, byte[] number)
    {
        for (int i = 0; i < id.Rows; i++)
        {
            if (!armCodes.IsEmpty && (armCodes[i] < 0 || excluded[armCodes[i]]))
            {
                ExcludedByArm++;
                continue;
            }
            ReadOnlySpan<byte> bytes = id.Type.Physical switch
            {
                ParquetPhysicalType.Int32 => number.AsSpan(0, Format(id.Type.Kind == ParquetValueKind.UnsignedInteger ? unchecked((uint)id.Ints[i]) : id.Ints[i], number)),
                ParquetPhysicalType.Int64 => number.AsSpan(0, Format(id.Longs[i], number)),
                _ => id.Bytes[i].Span,
            };
            Add(bytes);
        }
    }

    private static int Format(long value, Span<byte> destination) => Utf8Formatter.TryFormat(value, destination, out int written) ? written : 0;

    private void Add(ReadOnlySpan<byte> idUtf8)
    {
        if ((Count + 1) * 2 > _table.Length)
        {
            Grow();
        }
        ulong hash = Hash(idUtf8);
        int mask = _table.Length - 1;
        for (int slot = (int)(hash & (ulong)mask); ; slot = (slot + 1) & mask)
        {
            ref var entry = ref _table[slot];
            if (entry.Length == 0)
            {
                if (_bytes.Length - _used < idUtf8.Length)
                {
                    Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + idUtf8.Length));
                }
                idUtf8.CopyTo(_bytes.AsSpan(_used));
                // Length is stored plus one so that an empty id is still a used slot.
                entry = new Entry(hash, _used, idUtf8.Length + 1);
                _used += idUtf8.Length;
                Count++;
                return;
            }
            if (entry.Hash == hash && idUtf8.SequenceEqual(_bytes.AsSpan(entry.Offset, entry.Length - 1)))
            {
                return;
            }
        }
    }

    private void Grow()
    {
        var old = _table;
        _table = new Entry[old.Length * 2];
        int mask = _table.Length - 1;
        foreach (var entry in old)
        {
            if (entry.Length == 0)
            {
                continue;
            }
            int slot = (int)(entry.Hash & (ulong)mask);
            while (_table[slot].Length != 0)
            {
                slot = (slot + 1) & mask;
            }
            _table[slot] = entry;
        }
    }

    private static int FirstNull(ColumnChunkBuffer chunk)
    {
        for (int i = 0; i < chunk.Rows; i++)
        {
            if (chunk.IsNull(i))
            {
                return i;
            }
        }
        return 0;
    }

    // FNV-1a then a final mix: stable across processes, good enough spread for an open-addressing table.
    private static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        unchecked
        {
            ulong hash = 14695981039346656037UL;
            foreach (byte b in bytes)
            {
                hash = (hash ^ b) * 1099511628211UL;
            }
            hash ^= hash >> 33;
            hash *= 0xff51afd7ed558ccdUL;
            return hash ^ (hash >> 33);
        }
    }

    private readonly record struct Entry(ulong Hash, int Offset, int Length);
}
