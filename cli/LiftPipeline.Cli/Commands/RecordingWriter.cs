using System.Text;

namespace LiftPipeline.Cli.Commands;

/// <summary>A writer that passes everything on to <paramref name="inner"/> and keeps a copy in <see cref="Text"/>.</summary>
internal sealed class RecordingWriter(TextWriter inner) : TextWriter
{
    private readonly StringBuilder _copy = new();

    /// <summary>Everything written so far.</summary>
    public string Text => _copy.ToString();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        _copy.Append(value);
        inner.Write(value);
    }

    public override void Write(string? value)
    {
        _copy.Append(value);
        inner.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        _copy.Append(buffer, index, count);
        inner.Write(buffer, index, count);
    }

    public override Task WriteAsync(string? value)
    {
        _copy.Append(value);
        return inner.WriteAsync(value);
    }

    public override Task WriteLineAsync(string? value)
    {
        _copy.Append(value).Append('\n');
        return inner.WriteLineAsync(value);
    }

    public override void Flush() => inner.Flush();
}
