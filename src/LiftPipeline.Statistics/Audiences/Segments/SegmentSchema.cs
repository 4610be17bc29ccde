namespace LiftPipeline.Statistics.Audiences.Segments;

/// <summary>The columns a segment rule may name, each with its type and index. Names are case-sensitive. Not thread-safe while adding.</summary>
public sealed class SegmentSchema
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly List<SegmentType> _types = [];

    /// <summary>Column names by index.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Column types by index.</summary>
    public IReadOnlyList<SegmentType> Types => _types;

    /// <summary>Adds a column and returns its index.</summary>
    /// <exception cref="ArgumentException">The name is taken.</exception>
    public int Add(string name, SegmentType type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_index.TryAdd(name, _names.Count))
        {
            throw new ArgumentException($"column '{name}' is already in the schema", nameof(name));
        }
        _names.Add(name);
        _types.Add(type);
        return _names.Count - 1;
    }

    /// <summary>The index of <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out int i) ? i : -1;
}
