namespace LiftPipeline.Ingestion.ParquetFormat;

/// <summary>Wire types of the Thrift compact protocol (the encoding of Parquet footers and page headers).</summary>
internal enum ThriftType : byte
{
    Stop = 0,
    BoolTrue = 1,
    BoolFalse = 2,
    Byte = 3,
    I16 = 4,
    I32 = 5,
    I64 = 6,
    Double = 7,
    Binary = 8,
    List = 9,
    Set = 10,
    Map = 11,
    Struct = 12,
}

/// <summary>One field of a Thrift struct. <see cref="Value"/> is a long, bool, double, byte[], <see cref="ThriftList"/>, <see cref="ThriftMap"/> or <see cref="ThriftStruct"/>.</summary>
internal sealed record ThriftField(short Id, ThriftType Type, object Value);

/// <summary>A list or set: element type and elements (boxed as in <see cref="ThriftField.Value"/>).</summary>
internal sealed record ThriftList(ThriftType ElementType, List<object> Items);

/// <summary>A map: key and value types and its entries.</summary>
internal sealed record ThriftMap(ThriftType KeyType, ThriftType ValueType, List<KeyValuePair<object, object>> Entries);

/// <summary>A generic Thrift struct, kept field by field so it can be edited and written back.</summary>
internal sealed class ThriftStruct
{
    public List<ThriftField> Fields { get; } = [];

    public ThriftField? Find(short id)
    {
        foreach (var field in Fields)
        {
            if (field.Id == id)
            {
                return field;
            }
        }
        return null;
    }

    public long? GetInt(short id) => Find(id)?.Value as long?;

    public bool? GetBool(short id) => Find(id)?.Value as bool?;

    public byte[]? GetBinary(short id) => Find(id)?.Value as byte[];

    public ThriftStruct? GetStruct(short id) => Find(id)?.Value as ThriftStruct;

    public ThriftList? GetList(short id) => Find(id)?.Value as ThriftList;

    public void Remove(short id) => Fields.RemoveAll(f => f.Id == id);

    public void Set(short id, ThriftType type, object value)
    {
        Remove(id);
        Fields.Add(new ThriftField(id, type, value));
        Fields.Sort((a, b) => a.Id.CompareTo(b.Id));
    }
}

/// <summary>Signals bytes that are not a well-formed Thrift compact message.</summary>
internal sealed class ThriftFormatException(string message) : Exception(message);
