namespace LiftPipeline.Ingestion.ParquetFormat;

/// <summary>Parquet physical types (Thrift enum <c>Type</c>).</summary>
public enum ParquetPhysicalType
{
    Boolean = 0,
    Int32 = 1,
    Int64 = 2,
    Int96 = 3,
    Float = 4,
    Double = 5,
    ByteArray = 6,
    FixedLenByteArray = 7,
}

/// <summary>What the values of a column mean, from its logical type or legacy converted type.</summary>
public enum ParquetValueKind
{
    /// <summary>No annotation: the physical type alone.</summary>
    Plain,
    Text,
    SignedInteger,
    UnsignedInteger,
    Decimal,
    Float16,
    Date,
    Timestamp,
    Time,
    Json,
    Bson,
    Enum,
    Uuid,
    Interval,
    /// <summary>An annotation this reader does not know; values are read as the physical type.</summary>
    Unknown,
}

/// <summary>Unit of a TIMESTAMP or TIME column.</summary>
public enum ParquetTimeUnit
{
    Millis,
    Micros,
    Nanos,
}

/// <summary>
/// The decoded meaning of one leaf column: physical type plus annotation.
/// Built from the footer's SchemaElement, where the LogicalType wins over the legacy ConvertedType.
/// </summary>
public sealed record ParquetColumnType(
    ParquetPhysicalType Physical,
    int TypeLength,
    ParquetValueKind Kind,
    int Scale = 0,
    int Precision = 0,
    ParquetTimeUnit Unit = ParquetTimeUnit.Micros,
    bool AdjustedToUtc = false,
    int BitWidth = 0)
{
    /// <summary>Physical type in the spelling of the Parquet specification, e.g. <c>FIXED_LEN_BYTE_ARRAY</c>.</summary>
    public string PhysicalName => Physical switch
    {
        ParquetPhysicalType.Boolean => "BOOLEAN",
        ParquetPhysicalType.Int32 => "INT32",
        ParquetPhysicalType.Int64 => "INT64",
        ParquetPhysicalType.Int96 => "INT96",
        ParquetPhysicalType.Float => "FLOAT",
        ParquetPhysicalType.Double => "DOUBLE",
        ParquetPhysicalType.ByteArray => "BYTE_ARRAY",
        _ => "FIXED_LEN_BYTE_ARRAY",
    };

    /// <summary>Logical type as a short label (<c>DECIMAL(10,2)</c>, <c>TIMESTAMP(MICROS,UTC)</c>), or null when there is none.</summary>
    public string? LogicalName => Kind switch
    {
        ParquetValueKind.Plain => null,
        ParquetValueKind.Text => "STRING",
        ParquetValueKind.SignedInteger => $"INT({BitWidth},signed)",
        ParquetValueKind.UnsignedInteger => $"INT({BitWidth},unsigned)",
        ParquetValueKind.Decimal => $"DECIMAL({Precision},{Scale})",
        ParquetValueKind.Float16 => "FLOAT16",
        ParquetValueKind.Date => "DATE",
        ParquetValueKind.Timestamp => $"TIMESTAMP({UnitName},{(AdjustedToUtc ? "UTC" : "local")})",
        ParquetValueKind.Time => $"TIME({UnitName})",
        ParquetValueKind.Json => "JSON",
        ParquetValueKind.Bson => "BSON",
        ParquetValueKind.Enum => "ENUM",
        ParquetValueKind.Uuid => "UUID",
        ParquetValueKind.Interval => "INTERVAL",
        _ => "UNKNOWN",
    };

    /// <summary>True when values convert to a double: integers, floats, decimals, float16.</summary>
    public bool IsNumeric => Kind switch
    {
        ParquetValueKind.Plain => Physical is ParquetPhysicalType.Int32 or ParquetPhysicalType.Int64
            or ParquetPhysicalType.Float or ParquetPhysicalType.Double,
        ParquetValueKind.SignedInteger or ParquetValueKind.UnsignedInteger
            or ParquetValueKind.Decimal or ParquetValueKind.Float16 => true,
        _ => false,
    };

    /// <summary>True for integer columns without a date, time or decimal meaning.</summary>
    public bool IsInteger => Physical is ParquetPhysicalType.Int32 or ParquetPhysicalType.Int64
        && Kind is ParquetValueKind.Plain or ParquetValueKind.SignedInteger or ParquetValueKind.UnsignedInteger;

    /// <summary>True for byte strings: BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY without a numeric meaning.</summary>
    public bool IsBytes => Physical is ParquetPhysicalType.ByteArray or ParquetPhysicalType.FixedLenByteArray
        && Kind is not (ParquetValueKind.Decimal or ParquetValueKind.Float16 or ParquetValueKind.Interval);

    private string UnitName => Unit switch
    {
        ParquetTimeUnit.Millis => "MILLIS",
        ParquetTimeUnit.Nanos => "NANOS",
        _ => "MICROS",
    };
}
