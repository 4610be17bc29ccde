using System.Globalization;
using System.Text;

namespace LiftPipeline.Core.Ingestion.Columns;

/// <summary>
/// Assigns dense codes (0, 1, 2, …) to the distinct values of a text or integer column in order of first
/// appearance. Lookups of values already seen allocate nothing: UTF-8 bytes are decoded into a stack buffer
/// and matched through the dictionary's span lookup. Not thread-safe.
/// </summary>
public sealed class CategoryDictionary
{
    private const int StackChars = 256;
    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly Dictionary<long, int> _byInteger = [];

    /// <summary>Creates an empty dictionary.</summary>
    public CategoryDictionary()
    {
        _bySpan = _codes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

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
        if (utf8.Length > StackChars)
        {
            return GetOrAdd(Encoding.UTF8.GetString(utf8));
        }
        Span<char> chars = stackalloc char[StackChars];
        int length = Encoding.UTF8.GetChars(utf8, chars);
        var text = chars[..length];
        return _bySpan.TryGetValue(text, out int code) ? code : GetOrAdd(text.ToString());
    }

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
