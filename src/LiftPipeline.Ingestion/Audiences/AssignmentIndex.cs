using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace LiftPipeline.Ingestion.Audiences;

/// <summary>
/// A holdout assignment file held in memory as customer id → arm (docs/audiences.md), for checking export rows against
/// it: text ids in a string-keyed table looked up by span (no allocation per lookup), integer ids in a 64-bit table. An
/// id given as an integer matches the same digits given as text. Memory: one entry per assigned customer. Immutable once read.
/// </summary>
public sealed class AssignmentIndex
{
    private readonly Dictionary<string, int>? _text;
    private readonly Dictionary<long, int>? _integer;

    private AssignmentIndex(IReadOnlyList<string> arms, string? layer, Dictionary<string, int>? text, Dictionary<long, int>? integer)
    {
        Arms = arms;
        Layer = layer;
        _text = text;
        _integer = integer;
    }

    /// <summary>Arm names; an entry's arm is an index into this list.</summary>
    public IReadOnlyList<string> Arms { get; }

    /// <summary>The layer of mutually exclusive tests the assignment declares (its <c>layer</c> column); null when none or read from exports.</summary>
    public string? Layer { get; }

    /// <summary>The index of arm <paramref name="arm"/> in <see cref="Arms"/> (ordinal); −1 when the assignment has no such arm.</summary>
    public int ArmIndexOf(string arm)
    {
        for (int i = 0; i < Arms.Count; i++)
        {
            if (string.Equals(Arms[i], arm, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Customers assigned.</summary>
    public int Count => _text?.Count ?? _integer!.Count;

    /// <summary>Reads every row of an assignment file (columns <c>customer_id</c>, <c>arm</c> and, when present, <c>layer</c>).</summary>
    /// <exception cref="ExportValidationException">A column is missing or mistyped, or a customer appears twice.</exception>
    public static async Task<AssignmentIndex> ReadAsync(ExportFile assignment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var builder = new Builder(duplicatesAreErrors: true);
        string? layer = await builder.AddAsync(assignment, ColumnMapping.Default, readLayer: true, cancellationToken).ConfigureAwait(false);
        return builder.Build(layer);
    }

    /// <summary>
    /// A holdout's customers and arms as its exports report them, for a test without a stored assignment. Each export is
    /// opened, read and closed in turn; a customer in two exports keeps the arm of the first.
    /// </summary>
    /// <exception cref="ExportValidationException">An export lacks a customer id or arm column.</exception>
    public static async Task<AssignmentIndex> FromExportsAsync(IReadOnlyList<Func<CancellationToken, Task<ExportFile>>> exports, ColumnMapping columns,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exports);
        var builder = new Builder(duplicatesAreErrors: false);
        foreach (var open in exports)
        {
            await using var file = await open(cancellationToken).ConfigureAwait(false);
            await builder.AddAsync(file, columns, readLayer: false, cancellationToken).ConfigureAwait(false);
        }
        return builder.Build(null);
    }

    /// <summary>Collects customers and arms over one or more files, with arm names shared across them.</summary>
    private sealed class Builder(bool duplicatesAreErrors)
    {
        private readonly List<string> _arms = [];
        private Dictionary<string, int>? _text;
        private Dictionary<long, int>? _integer;

        /// <summary>Adds every row of <paramref name="file"/>; returns the first layer it names, if read.</summary>
        public async Task<string?> AddAsync(ExportFile file, ColumnMapping mapping, bool readLayer, CancellationToken cancellationToken)
        {
            var rows = CustomerArmRows.Open(file, mapping, readExposure: false, readLayer);
            var toArm = new List<int>();
            for (int g = 0; g < file.RowGroupCount; g++)
            {
                await rows.ReadAsync(g, cancellationToken).ConfigureAwait(false);
                for (int a = toArm.Count; a < rows.Arms.Count; a++)
                {
                    int known = _arms.IndexOf(rows.Arms.Names[a]);
                    toArm.Add(known >= 0 ? known : _arms.Count);
                    if (known < 0)
                    {
                        _arms.Add(rows.Arms.Names[a]);
                    }
                }
                for (int i = 0; i < rows.Count; i++)
                {
                    var kind = rows.KindOf(i);
                    bool added = kind switch
                    {
                        CustomerArmRows.IdKind.Text => TextIds().TryAdd(Encoding.UTF8.GetString(rows.TextId(i)), toArm[rows.ArmOf(i)]),
                        // Once any file has text ids, integers are kept as their text, so one table answers every lookup.
                        CustomerArmRows.IdKind.Integer when _text is not null =>
                            _text.TryAdd(rows.IntegerId(i).ToString(System.Globalization.CultureInfo.InvariantCulture), toArm[rows.ArmOf(i)]),
                        CustomerArmRows.IdKind.Integer => (_integer ??= []).TryAdd(rows.IntegerId(i), toArm[rows.ArmOf(i)]),
                        _ => true,
                    };
                    if (!added && duplicatesAreErrors)
                    {
                        throw ExportValidationException.Single(file.Name, ExportErrorCodes.InvalidValue, $"customer '{rows.IdText(i)}' is assigned twice");
                    }
                }
            }
            return rows.Layers.Count > 0 ? rows.Layers.Names[0] : null;
        }

        public AssignmentIndex Build(string? layer) =>
            new([.. _arms], layer, _text ?? (_integer is null ? new(StringComparer.Ordinal) : null), _text is null ? _integer : null);

        /// <summary>The text-id table, first moving any integer ids read so far into it as their text (exports that mix id types).</summary>
        private Dictionary<string, int> TextIds()
        {
            if (_text is null)
            {
                _text = new(StringComparer.Ordinal);
                foreach (var (id, arm) in _integer ?? [])
                {
                    _text.Add(id.ToString(System.Globalization.CultureInfo.InvariantCulture), arm);
                }
                _integer = null;
            }
            return _text;
        }
    }

    /// <summary>The arm index of the customer whose id is the UTF-8 text <paramref name="id"/>; −1 when not assigned.</summary>
    public int ArmOf(ReadOnlySpan<byte> id)
    {
        if (_integer is not null)
        {
            return Utf8Parser.TryParse(id, out long value, out int used) && used == id.Length ? ArmOf(value) : -1;
        }
        char[]? rented = null;
        Span<char> chars = id.Length <= 256 ? stackalloc char[id.Length] : (rented = ArrayPool<char>.Shared.Rent(id.Length));
        int n = Encoding.UTF8.GetChars(id, chars);
        int arm = _text!.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..n], out int a) ? a : -1;
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
        return arm;
    }

    /// <summary>The arm index of the customer with integer id <paramref name="id"/>; −1 when not assigned.</summary>
    public int ArmOf(long id)
    {
        if (_integer is not null)
        {
            return _integer.TryGetValue(id, out int a) ? a : -1;
        }
        Span<char> chars = stackalloc char[20];
        id.TryFormat(chars, out int n, default, System.Globalization.CultureInfo.InvariantCulture);
        return _text!.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..n], out int arm) ? arm : -1;
    }
}
