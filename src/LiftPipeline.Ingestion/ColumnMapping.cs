namespace LiftPipeline.Ingestion;

/// <summary>
/// Maps contract column names (<c>unit</c>, <c>period</c>, <c>treated</c>, <c>customer_id</c>, <c>arm</c>, …) to the
/// names used in a file. A name that is not mapped is looked up as itself. Immutable and thread-safe.
/// </summary>
public sealed class ColumnMapping
{
    private readonly IReadOnlyDictionary<string, string> _map;

    /// <summary>Creates a mapping from contract name to file column name.</summary>
    public ColumnMapping(IReadOnlyDictionary<string, string> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        _map = new Dictionary<string, string>(map, StringComparer.Ordinal);
    }

    /// <summary>The identity mapping: every contract name is the file's column name.</summary>
    public static ColumnMapping Default { get; } = new(new Dictionary<string, string>());

    /// <summary>The file column that holds the contract column <paramref name="contractName"/>.</summary>
    public string Resolve(string contractName) => _map.TryGetValue(contractName, out var name) ? name : contractName;

    /// <summary>A copy of this mapping with one more entry.</summary>
    public ColumnMapping With(string contractName, string fileColumn) =>
        new(new Dictionary<string, string>(_map) { [contractName] = fileColumn });
}
