namespace LiftPipeline.Ingestion.ParquetFormat;

/// <summary>
/// Reads a Thrift compact-protocol struct into a <see cref="ThriftStruct"/> tree.
/// Hardened for hostile input: every length and count is checked against the bytes that remain,
/// and nesting is bounded, so a corrupt footer fails fast instead of allocating or recursing without end.
/// </summary>
internal sealed class ThriftCompactReader
{
    private const int MaxDepth = 64;
    private readonly byte[] _buffer;
    private int _position;

    public ThriftCompactReader(byte[] buffer, int position = 0)
    {
        _buffer = buffer;
        _position = position;
    }

    public int Position => _position;

    public ThriftStruct ReadStruct() => ReadStruct(0);

    private ThriftStruct ReadStruct(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ThriftFormatException("structures nested too deeply");
        }
        var result = new ThriftStruct();
        short lastId = 0;
        while (true)
        {
            byte header = ReadByte();
            var type = (ThriftType)(header & 0x0F);
            if (type == ThriftType.Stop)
            {
                return result;
            }
            int delta = header >> 4;
            short id = delta != 0 ? unchecked((short)(lastId + delta)) : (short)ZigZag(ReadVarint());
            lastId = id;
            object value = type switch
            {
                ThriftType.BoolTrue => true,
                ThriftType.BoolFalse => false,
                _ => ReadValue(type, depth),
            };
            result.Fields.Add(new ThriftField(id, type, value));
        }
    }

    private object ReadValue(ThriftType type, int depth) => type switch
    {
        ThriftType.BoolTrue or ThriftType.BoolFalse => ReadByte() == 1,
        ThriftType.Byte => (long)unchecked((sbyte)ReadByte()),
        ThriftType.I16 or ThriftType.I32 or ThriftType.I64 => ZigZag(ReadVarint()),
        ThriftType.Double => ReadDouble(),
        ThriftType.Binary => ReadBinary(),
        ThriftType.List or ThriftType.Set => ReadList(depth),
        ThriftType.Map => ReadMap(depth),
        ThriftType.Struct => ReadStruct(depth + 1),
        _ => throw new ThriftFormatException($"unknown field type {(int)type} at byte {_position}"),
    };

    private ThriftList ReadList(int depth)
    {
        byte header = ReadByte();
        var elementType = (ThriftType)(header & 0x0F);
        long size = header >> 4;
        if (size == 15)
        {
            size = (long)ReadVarint();
        }
        CheckCount(size);
        var items = new List<object>((int)size);
        for (long i = 0; i < size; i++)
        {
            items.Add(ReadValue(elementType, depth + 1));
        }
        return new ThriftList(elementType, items);
    }

    private ThriftMap ReadMap(int depth)
    {
        long size = (long)ReadVarint();
        CheckCount(size);
        if (size == 0)
        {
            return new ThriftMap(ThriftType.Stop, ThriftType.Stop, []);
        }
        byte types = ReadByte();
        var keyType = (ThriftType)(types >> 4);
        var valueType = (ThriftType)(types & 0x0F);
        var entries = new List<KeyValuePair<object, object>>((int)size);
        for (long i = 0; i < size; i++)
        {
            var key = ReadValue(keyType, depth + 1);
            entries.Add(new(key, ReadValue(valueType, depth + 1)));
        }
        return new ThriftMap(keyType, valueType, entries);
    }

    // Every element takes at least one byte, so a count above the remaining bytes is corrupt.
    private void CheckCount(long size)
    {
        if (size < 0 || size > _buffer.Length - _position)
        {
            throw new ThriftFormatException($"collection of {size} elements cannot fit in the {_buffer.Length - _position} bytes left");
        }
    }

    private byte[] ReadBinary()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_buffer.Length - _position))
        {
            throw new ThriftFormatException($"binary of {length} bytes runs past the end of the footer");
        }
        var bytes = _buffer.AsSpan(_position, (int)length).ToArray();
        _position += (int)length;
        return bytes;
    }

    private double ReadDouble()
    {
        if (_buffer.Length - _position < 8)
        {
            throw new ThriftFormatException("double runs past the end of the footer");
        }
        double value = BitConverter.ToDouble(_buffer, _position);
        _position += 8;
        return value;
    }

    private byte ReadByte()
    {
        if (_position >= _buffer.Length)
        {
            throw new ThriftFormatException("unexpected end of footer");
        }
        return _buffer[_position++];
    }

    private ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
        throw new ThriftFormatException("varint longer than 10 bytes");
    }

    private static long ZigZag(ulong n) => unchecked((long)(n >> 1) ^ -(long)(n & 1));
}
