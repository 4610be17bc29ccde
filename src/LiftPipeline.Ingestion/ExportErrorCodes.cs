namespace LiftPipeline.Ingestion;

/// <summary>The stable error codes of export validation. Alerts, quarantine records and tests key on these.</summary>
public static class ExportErrorCodes
{
    /// <summary>No file at the path given (or its folder does not exist).</summary>
    public const string NotFound = "not-found";

    /// <summary>Not Parquet, truncated, or damaged so that it cannot be decoded.</summary>
    public const string CorruptFile = "corrupt-file";

    /// <summary>The file is larger than an <see cref="IngestionLimits"/> setting allows: bytes, rows, columns or a page's decompressed size.</summary>
    public const string TooLarge = "too-large";

    /// <summary>Reading the file failed in a way no check foresaw; the message names the failure.</summary>
    public const string Unreadable = "unreadable";

    /// <summary>The columns match neither export contract.</summary>
    public const string UnknownContract = "unknown-contract";

    /// <summary>A panel whose treatment starts too early to measure (<see cref="Statistics.Panels.PanelReadiness"/>): inspect's verdict on what measure refuses.</summary>
    public const string TooFewPrePeriods = "too-few-pre-periods";

    /// <summary>The file holds no rows.</summary>
    public const string EmptyFile = "empty-file";

    /// <summary>A column the contract needs is not in the file (after column mapping).</summary>
    public const string MissingColumn = "missing-column";

    /// <summary>A column's Parquet type cannot stand for what the contract needs.</summary>
    public const string WrongType = "wrong-type";

    /// <summary>A nested or repeated column where a flat one is needed.</summary>
    public const string UnsupportedColumn = "unsupported-column";

    /// <summary>A value that must be present is null.</summary>
    public const string NullValue = "null-value";

    /// <summary>A value outside what the column may hold: a flag that is not 0/1, a date out of range.</summary>
    public const string InvalidValue = "invalid-value";

    /// <summary>NaN or ±infinity in a metric.</summary>
    public const string NonFinite = "non-finite";

    /// <summary>A negative value in a metric declared a count.</summary>
    public const string NegativeCount = "negative-count";

    /// <summary>The same (unit, period) appears twice.</summary>
    public const string DuplicateCell = "duplicate-cell";

    /// <summary>A customer id appears in more than one row of a customers export.</summary>
    public const string DuplicateId = "duplicate-id";

    /// <summary>A (unit, period) pair has no row: the panel is not balanced.</summary>
    public const string MissingCell = "missing-cell";

    /// <summary>A unit's treated flag goes from 1 back to 0 and the design does not allow it.</summary>
    public const string TreatmentSwitchesOff = "treatment-switches-off";

    /// <summary>A unit changes arm between periods.</summary>
    public const string ArmChanges = "arm-changes";

    /// <summary>Every unit is treated at some point: nothing to compare with.</summary>
    public const string NoControlUnits = "no-control-units";

    /// <summary>Treatment starts in the first period: no pre-period to learn from.</summary>
    public const string NoPrePeriod = "no-pre-period";
}
