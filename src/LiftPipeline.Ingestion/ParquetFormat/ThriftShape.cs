namespace LiftPipeline.Ingestion.ParquetFormat;

/// <summary>
/// The wire types Parquet.Net expects for the Thrift fields it reads. Its generated reader picks the decoder by
/// field id and never looks at the wire type, so one flipped bit in a field header (an i32 become a double, a
/// list of strings become a list of booleans) derails it: it reads garbage lengths and counts, allocates
/// hundreds of megabytes or never returns. Every structure we hand it (the footer we build, the page headers it
/// will parse) is first checked against these shapes, so it only ever sees well-typed input.
/// </summary>
internal sealed class ThriftShape
{
    private readonly Dictionary<short, (ThriftType Type, ThriftType Element, ThriftShape? Nested)> _fields = [];

    private ThriftShape(string name) => Name = name;

    public string Name { get; }

    // Declared innermost first: static initializers run in order.
    private static ThriftShape Empty { get; } = new("IndexPageHeader");

    private static ThriftShape Statistics { get; } = new ThriftShape("Statistics")
        .Field(1, ThriftType.Binary).Field(2, ThriftType.Binary).Field(3, ThriftType.I64).Field(4, ThriftType.I64)
        .Field(5, ThriftType.Binary).Field(6, ThriftType.Binary).Field(7, ThriftType.BoolTrue).Field(8, ThriftType.BoolTrue);

    private static ThriftShape DataPageHeader { get; } = new ThriftShape("DataPageHeader")
        .Field(1, ThriftType.I32).Field(2, ThriftType.I32).Field(3, ThriftType.I32).Field(4, ThriftType.I32).Struct(5, Statistics);

    private static ThriftShape DictionaryPageHeader { get; } = new ThriftShape("DictionaryPageHeader")
        .Field(1, ThriftType.I32).Field(2, ThriftType.I32).Field(3, ThriftType.BoolTrue);

    private static ThriftShape DataPageHeaderV2 { get; } = new ThriftShape("DataPageHeaderV2")
        .Field(1, ThriftType.I32).Field(2, ThriftType.I32).Field(3, ThriftType.I32).Field(4, ThriftType.I32)
        .Field(5, ThriftType.I32).Field(6, ThriftType.I32).Field(7, ThriftType.BoolTrue).Struct(8, Statistics);

    public static ThriftShape PageHeader { get; } = new ThriftShape("PageHeader")
        .Field(1, ThriftType.I32).Field(2, ThriftType.I32).Field(3, ThriftType.I32).Field(4, ThriftType.I32)
        .Struct(5, DataPageHeader).Struct(6, Empty).Struct(7, DictionaryPageHeader).Struct(8, DataPageHeaderV2);

    public static ThriftShape ColumnMetaData { get; } = new ThriftShape("ColumnMetaData")
        .Field(1, ThriftType.I32).List(2, ThriftType.I32).List(3, ThriftType.Binary).Field(4, ThriftType.I32)
        .Field(5, ThriftType.I64).Field(6, ThriftType.I64).Field(7, ThriftType.I64).Field(9, ThriftType.I64).Field(11, ThriftType.I64);

    public static ThriftShape ColumnChunk { get; } = new ThriftShape("ColumnChunk")
        .Field(1, ThriftType.Binary).Field(2, ThriftType.I64).Struct(3, ColumnMetaData);

    public static ThriftShape RowGroup { get; } = new ThriftShape("RowGroup")
        .List(1, ThriftType.Struct, ColumnChunk).Field(2, ThriftType.I64).Field(3, ThriftType.I64)
        .Field(5, ThriftType.I64).Field(6, ThriftType.I64).Field(7, ThriftType.I16);

    public static ThriftShape SchemaElement { get; } = new ThriftShape("SchemaElement")
        .Field(1, ThriftType.I32).Field(2, ThriftType.I32).Field(3, ThriftType.I32).Field(4, ThriftType.Binary)
        .Field(5, ThriftType.I32).Field(9, ThriftType.I32);

    public static ThriftShape FileMetaData { get; } = new ThriftShape("FileMetaData")
        .Field(1, ThriftType.I32).List(2, ThriftType.Struct, SchemaElement).Field(3, ThriftType.I64)
        .List(4, ThriftType.Struct, RowGroup).Field(6, ThriftType.Binary);

    /// <summary>Removes the fields of <paramref name="value"/> (not of nested structs) that this shape does not list.</summary>
    public void Prune(ThriftStruct value) => value.Fields.RemoveAll(f => !_fields.ContainsKey(f.Id));

    /// <summary>Throws <see cref="ParquetFormatException"/> when a known field of <paramref name="value"/> (recursively) has another wire type or an integer outside its width.</summary>
    public void Check(ThriftStruct value, string where)
    {
        foreach (var field in value.Fields)
        {
            if (!_fields.TryGetValue(field.Id, out var expected))
            {
                continue;
            }
            string name = $"{where}: {Name} field {field.Id}";
            CheckValue(field.Type, field.Value, expected.Type, expected.Nested, name);
            if (field.Value is ThriftList list)
            {
                if (list.ElementType != expected.Element && !(IsInteger(list.ElementType) && IsInteger(expected.Element)))
                {
                    throw Mismatch(name + " elements", list.ElementType, expected.Element);
                }
                foreach (var item in list.Items)
                {
                    CheckValue(list.ElementType, item, expected.Element, expected.Nested, name + " element");
                }
            }
        }
    }

    private static void CheckValue(ThriftType type, object value, ThriftType expected, ThriftShape? nested, string name)
    {
        bool matches = IsInteger(expected) ? IsInteger(type)
            : expected == ThriftType.BoolTrue ? type is ThriftType.BoolTrue or ThriftType.BoolFalse
            : type == expected;
        if (!matches)
        {
            throw Mismatch(name, type, expected);
        }
        // Integer wire types share the zigzag varint encoding, but the reader decodes only the width it expects.
        if (value is long number && expected != ThriftType.I64 &&
            (expected == ThriftType.I16 ? number is < short.MinValue or > short.MaxValue : number is < int.MinValue or > int.MaxValue))
        {
            throw new ParquetFormatException($"{name} holds {number}, outside the range of its {expected}");
        }
        if (value is ThriftStruct inner && nested is not null)
        {
            nested.Check(inner, name);
        }
    }

    private static bool IsInteger(ThriftType type) => type is ThriftType.I16 or ThriftType.I32 or ThriftType.I64;

    private static ParquetFormatException Mismatch(string name, ThriftType actual, ThriftType expected) =>
        new($"{name} has Thrift type {actual} where the specification has {(expected == ThriftType.BoolTrue ? "Bool" : expected.ToString())}");

    private ThriftShape Field(short id, ThriftType type)
    {
        _fields[id] = (type, ThriftType.Stop, null);
        return this;
    }

    private ThriftShape List(short id, ThriftType element, ThriftShape? nested = null)
    {
        _fields[id] = (ThriftType.List, element, nested);
        return this;
    }

    private ThriftShape Struct(short id, ThriftShape nested)
    {
        _fields[id] = (ThriftType.Struct, ThriftType.Stop, nested);
        return this;
    }
}
