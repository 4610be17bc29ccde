using System.Text;

namespace LiftPipeline.Ingestion.ParquetFormat;

/// <summary>Turns the footer's flat, depth-first list of SchemaElements into leaf columns with decoded annotations.</summary>
internal static class ParquetSchemaWalker
{
    private const long Repeated = 2;
    private const long Optional = 1;

    public static IReadOnlyList<ParquetColumnInfo> LeafColumns(ThriftList schema)
    {
        if (schema.Items.Count == 0 || schema.Items[0] is not ThriftStruct root)
        {
            throw new ParquetFormatException("the schema is empty");
        }
        var leaves = new List<ParquetColumnInfo>();
        int next = 1;
        long children = root.GetInt(5) ?? 0;
        for (long i = 0; i < children; i++)
        {
            Walk(schema.Items, ref next, prefix: null, depth: 1, insideRepeated: false, leaves);
        }
        if (next != schema.Items.Count)
        {
            throw new ParquetFormatException($"the schema lists {schema.Items.Count} elements but its tree covers {next}");
        }
        return leaves;
    }

    private static void Walk(List<object> elements, ref int next, string? prefix, int depth, bool insideRepeated, List<ParquetColumnInfo> leaves)
    {
        if (next >= elements.Count || depth > 64)
        {
            throw new ParquetFormatException("the schema tree is inconsistent with its element count");
        }
        var element = (ThriftStruct)elements[next++];
        string name = element.GetBinary(4) is { } raw ? Encoding.UTF8.GetString(raw) : "";
        string path = prefix is null ? name : $"{prefix}.{name}";
        long repetition = element.GetInt(3) ?? 0;
        bool repeated = insideRepeated || repetition == Repeated;
        long children = element.GetInt(5) ?? 0;
        if (element.GetInt(1) is not { } physical || children > 0)
        {
            for (long i = 0; i < children; i++)
            {
                Walk(elements, ref next, path, depth + 1, repeated, leaves);
            }
            return;
        }
        if (physical is < 0 or > 7)
        {
            throw new ParquetFormatException($"column '{path}' has unknown physical type {physical}");
        }
        var type = Annotate(element, (ParquetPhysicalType)physical);
        leaves.Add(new ParquetColumnInfo(leaves.Count, name, path, type, repetition == Optional, depth > 1 || repeated, null));
    }

    private static ParquetColumnType Annotate(ThriftStruct element, ParquetPhysicalType physical)
    {
        int length = (int)Math.Clamp(element.GetInt(2) ?? 0, 0, int.MaxValue);
        var plain = new ParquetColumnType(physical, length, ParquetValueKind.Plain);
        if (element.GetStruct(10) is { } logical && logical.Fields.Count > 0)
        {
            return FromLogical(plain, logical.Fields[0]);
        }
        return element.GetInt(6) is { } converted ? FromConverted(plain, converted, element) : plain;
    }

    private static ParquetColumnType FromLogical(ParquetColumnType plain, ThriftField field)
    {
        var body = field.Value as ThriftStruct ?? new ThriftStruct();
        return field.Id switch
        {
            1 => plain with { Kind = ParquetValueKind.Text },
            4 => plain with { Kind = ParquetValueKind.Enum },
            5 => plain with { Kind = ParquetValueKind.Decimal, Scale = (int)(body.GetInt(1) ?? 0), Precision = (int)(body.GetInt(2) ?? 0) },
            6 => plain with { Kind = ParquetValueKind.Date },
            7 => plain with { Kind = ParquetValueKind.Time, Unit = TimeUnit(body.GetStruct(2)), AdjustedToUtc = body.GetBool(1) ?? false },
            8 => plain with { Kind = ParquetValueKind.Timestamp, Unit = TimeUnit(body.GetStruct(2)), AdjustedToUtc = body.GetBool(1) ?? false },
            10 => plain with
            {
                Kind = body.GetBool(2) ?? true ? ParquetValueKind.SignedInteger : ParquetValueKind.UnsignedInteger,
                BitWidth = (int)(body.GetInt(1) ?? 0),
            },
            11 => plain,
            12 => plain with { Kind = ParquetValueKind.Json },
            13 => plain with { Kind = ParquetValueKind.Bson },
            14 => plain with { Kind = ParquetValueKind.Uuid },
            15 => plain with { Kind = ParquetValueKind.Float16 },
            _ => plain with { Kind = ParquetValueKind.Unknown },
        };
    }

    private static ParquetTimeUnit TimeUnit(ThriftStruct? unit) => unit?.Fields.FirstOrDefault()?.Id switch
    {
        1 => ParquetTimeUnit.Millis,
        3 => ParquetTimeUnit.Nanos,
        _ => ParquetTimeUnit.Micros,
    };

    // Legacy ConvertedType values, for writers that predate LogicalType (Impala, old parquet-mr, DuckDB's INT_x).
    private static ParquetColumnType FromConverted(ParquetColumnType plain, long converted, ThriftStruct element) => converted switch
    {
        0 => plain with { Kind = ParquetValueKind.Text },
        4 => plain with { Kind = ParquetValueKind.Enum },
        5 => plain with { Kind = ParquetValueKind.Decimal, Scale = (int)(element.GetInt(7) ?? 0), Precision = (int)(element.GetInt(8) ?? 0) },
        6 => plain with { Kind = ParquetValueKind.Date },
        7 => plain with { Kind = ParquetValueKind.Time, Unit = ParquetTimeUnit.Millis },
        8 => plain with { Kind = ParquetValueKind.Time, Unit = ParquetTimeUnit.Micros },
        9 => plain with { Kind = ParquetValueKind.Timestamp, Unit = ParquetTimeUnit.Millis, AdjustedToUtc = true },
        10 => plain with { Kind = ParquetValueKind.Timestamp, Unit = ParquetTimeUnit.Micros, AdjustedToUtc = true },
        >= 11 and <= 14 => plain with { Kind = ParquetValueKind.UnsignedInteger, BitWidth = 8 << (int)(converted - 11) },
        >= 15 and <= 18 => plain with { Kind = ParquetValueKind.SignedInteger, BitWidth = 8 << (int)(converted - 15) },
        19 => plain with { Kind = ParquetValueKind.Json },
        20 => plain with { Kind = ParquetValueKind.Bson },
        21 => plain with { Kind = ParquetValueKind.Interval },
        _ => plain,
    };
}
