namespace LiftPipeline.Ingestion.ParquetFormat;

/// <summary>Writes a <see cref="ThriftStruct"/> tree back in the Thrift compact protocol.</summary>
internal sealed class ThriftCompactWriter
{
    private readonly MemoryStream _output = new();

    public static byte[] Serialize(ThriftStruct value)
    {
        var writer = new ThriftCompactWriter();
        writer.WriteStruct(value);
        return writer._output.ToArray();
    }

    private void WriteStruct(ThriftStruct value)
    {
        short lastId = 0;
        foreach (var field in value.Fields)
        {
            var type = field.Type is ThriftType.BoolTrue or ThriftType.BoolFalse
                ? ((bool)field.Value ? ThriftType.BoolTrue : ThriftType.BoolFalse)
                : field.Type;
            int delta = field.Id - lastId;
            if (delta is > 0 and <= 15)
            {
                _output.WriteByte((byte)((delta << 4) | (int)type));
            }
            else
            {
                _output.WriteByte((byte)type);
                WriteVarint(ZigZag(field.Id));
            }
            lastId = field.Id;
            if (type is not (ThriftType.BoolTrue or ThriftType.BoolFalse))
            {
                WriteValue(type, field.Value);
            }
        }
        _output.WriteByte((byte)ThriftType.Stop);
    }

    private void WriteValue(ThriftType type, object value)
    {
        switch (type)
        {
            case ThriftType.BoolTrue or ThriftType.BoolFalse:
                _output.WriteByte((bool)value ? (byte)1 : (byte)2);
                break;
            case ThriftType.Byte:
                _output.WriteByte(unchecked((byte)(long)value));
                break;
            case ThriftType.I16 or ThriftType.I32 or ThriftType.I64:
                WriteVarint(ZigZag((long)value));
                break;
            case ThriftType.Double:
                _output.Write(BitConverter.GetBytes((double)value));
                break;
            case ThriftType.Binary:
                var bytes = (byte[])value;
                WriteVarint((ulong)bytes.Length);
                _output.Write(bytes);
                break;
            case ThriftType.List or ThriftType.Set:
                WriteList((ThriftList)value);
                break;
            case ThriftType.Map:
                WriteMap((ThriftMap)value);
                break;
            case ThriftType.Struct:
                WriteStruct((ThriftStruct)value);
                break;
            default:
                throw new ThriftFormatException($"cannot write field type {(int)type}");
        }
    }

    private void WriteList(ThriftList list)
    {
        if (list.Items.Count < 15)
        {
            _output.WriteByte((byte)((list.Items.Count << 4) | (int)list.ElementType));
        }
        else
        {
            _output.WriteByte((byte)(0xF0 | (int)list.ElementType));
            WriteVarint((ulong)list.Items.Count);
        }
        foreach (var item in list.Items)
        {
            WriteValue(list.ElementType, item);
        }
    }

    private void WriteMap(ThriftMap map)
    {
        WriteVarint((ulong)map.Entries.Count);
        if (map.Entries.Count == 0)
        {
            return;
        }
        _output.WriteByte((byte)(((int)map.KeyType << 4) | (int)map.ValueType));
        foreach (var entry in map.Entries)
        {
            WriteValue(map.KeyType, entry.Key);
            WriteValue(map.ValueType, entry.Value);
        }
    }

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _output.WriteByte(unchecked((byte)(value | 0x80)));
            value >>= 7;
        }
        _output.WriteByte((byte)value);
    }

    private static ulong ZigZag(long n) => unchecked((ulong)((n << 1) ^ (n >> 63)));
}
