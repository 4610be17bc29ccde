namespace LiftPipeline.Ingestion.Customers;

/// <summary>How to read a <c>customers</c> export. Defaults follow the contract (docs/audiences.md).</summary>
public sealed record CustomerExportOptions
{
    /// <summary>Contract name → file column (<c>--map</c>). Default: the contract names themselves.</summary>
    public ColumnMapping Columns { get; init; } = ColumnMapping.Default;

    /// <summary>
    /// Read only <c>customer_id</c> (and <c>email</c>/<c>phone</c> when <see cref="ReadContacts"/>): what assignment and
    /// activation need. The other contract columns must still be present with the right types, but are not decoded.
    /// Default: false (read and check every contract column).
    /// </summary>
    public bool IdsOnly { get; init; }

    /// <summary>Decode <c>email</c> and <c>phone</c> when the file has them. Default: false (raw contacts stay unread).</summary>
    public bool ReadContacts { get; init; }

    /// <summary>
    /// Extra (non-contract) columns to read by name. Default (null): none when <see cref="IdsOnly"/>, else every flat
    /// column that is not a contract column.
    /// </summary>
    public IReadOnlyList<string>? Extras { get; init; }

    /// <summary>Size limits checked before anything is allocated. Default: <see cref="IngestionLimits.Holdout"/>.</summary>
    public IngestionLimits Limits { get; init; } = IngestionLimits.Holdout;
}
