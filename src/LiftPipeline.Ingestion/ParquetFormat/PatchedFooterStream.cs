using System.Buffers.Binary;

namespace LiftPipeline.Ingestion.ParquetFormat;

/// <summary>
/// A read-only view of a Parquet file with its footer replaced: the data region comes from the
/// original stream untouched, then the given footer, its length and the magic. Column chunk offsets
/// stay valid because only bytes after the data change.
/// </summary>
internal sealed class PatchedFooterStream : Stream
{
    private readonly Stream _inner;
    private readonly long _dataLength;
    private readonly byte[] _tail;
    private long _position;

    public PatchedFooterStream(Stream inner, long dataLength, byte[] footer)
    {
        _inner = inner;
        _dataLength = dataLength;
        _tail = new byte[footer.Length + 8];
        footer.CopyTo(_tail, 0);
        BinaryPrimitives.WriteInt32LittleEndian(_tail.AsSpan(footer.Length), footer.Length);
        "PAR1"u8.CopyTo(_tail.AsSpan(footer.Length + 4));
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _dataLength + _tail.Length;

    public override long Position
    {
        get => _position;
        set => _position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Fill the whole request, across the data/footer boundary: the page decoder does not retry short reads.
        int total = 0;
        while (!buffer.IsEmpty && _position < Length)
        {
            int n;
            if (_position < _dataLength)
            {
                _inner.Position = _position;
                n = _inner.Read(buffer[..(int)Math.Min(buffer.Length, _dataLength - _position)]);
                if (n == 0)
                {
                    break;
                }
            }
            else
            {
                int offsetInTail = (int)(_position - _dataLength);
                n = Math.Min(buffer.Length, _tail.Length - offsetInTail);
                _tail.AsSpan(offsetInTail, n).CopyTo(buffer);
            }
            _position += n;
            total += n;
            buffer = buffer[n..];
        }
        return total;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int total = 0;
        while (!buffer.IsEmpty && _position < _dataLength)
        {
            _inner.Position = _position;
            int n = await _inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _dataLength - _position)], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return total;
            }
            _position += n;
            total += n;
            buffer = buffer[n..];
        }
        return total + Read(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
