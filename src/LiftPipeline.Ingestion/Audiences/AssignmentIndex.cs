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

    private AssignmentIndex(IReadOnlyList<string> arms, Dictionary<string, int>? text, Dictionary<long, int>? integer)
    {
        Arms = arms;
        _text = text;
        _integer = integer;
    }

    /// <summary>Arm names; an entry's arm is an index into this list.</summary>
    public IReadOnlyList<string> Arms { get; }

    /// <summary>Customers assigned.</summary>
    public int Count => _text?.Count ?? _integer!.Count;

    /// <summary>Reads every row of an assignment file (columns <c>customer_id</c> and <c>arm</c>).</summary>
    /// <exception cref="ExportValidationException">A column is missing or mistyped, or a customer appears twice.</exception>
    public static async Task<AssignmentIndex> ReadAsync(ExportFile assignment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var rows = CustomerArmRows.Open(assignment, ColumnMapping.Default, readExposure: false);
        Dictionary<string, int>? text = null;
        Dictionary<long, int>? integer = null;
        for (int g = 0; g < assignment.RowGroupCount; g++)
        {
            await rows.ReadAsync(g, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < rows.Count; i++)
            {
                var kind = rows.KindOf(i);
                bool added = kind switch
                {
                    CustomerArmRows.IdKind.Text => (text ??= new(StringComparer.Ordinal)).TryAdd(Encoding.UTF8.GetString(rows.TextId(i)), rows.ArmOf(i)),
                    CustomerArmRows.IdKind.Integer => (integer ??= []).TryAdd(rows.IntegerId(i), rows.ArmOf(i)),
                    _ => true,
                };
                if (!added)
                {
                    throw ExportValidationException.Single(assignment.Name, ExportErrorCodes.InvalidValue, $"customer '{rows.IdText(i)}' is assigned twice");
                }
            }
        }
        return new AssignmentIndex([.. rows.Arms.Names], text ?? (integer is null ? new(StringComparer.Ordinal) : null), integer);
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
