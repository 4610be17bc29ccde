namespace LiftPipeline.Ingestion;

/// <summary>
/// Gathers problems while an export is read: one <see cref="ExportError"/> per (code, column, message),
/// with up to <see cref="ExportError.MaxRows"/> rows and a count of all occurrences.
/// Only the failure path calls into it, so the clean path stays allocation-free.
/// </summary>
internal sealed class ExportErrorCollector(string file)
{
    private readonly List<Entry> _entries = [];

    public string File { get; } = file;

    public bool HasErrors => _entries.Count > 0;

    public void Add(string code, string? column, string message, long row = -1)
    {
        var entry = _entries.Find(e => e.Code == code && e.Column == column && e.Message == message);
        if (entry is null)
        {
            entry = new Entry(code, column, message);
            _entries.Add(entry);
        }
        entry.Count++;
        if (row >= 0 && entry.Rows.Count < ExportError.MaxRows && !entry.Rows.Contains(row))
        {
            entry.Rows.Add(row);
        }
    }

    public IReadOnlyList<ExportError> ToErrors() => _entries
        .Select(e => new ExportError(e.Code, e.Count > e.Rows.Count && e.Rows.Count > 0 ? $"{e.Message} in {e.Count} rows" : e.Message, e.Column, e.Rows.ToArray()))
        .ToArray();

    public void ThrowIfAny()
    {
        if (HasErrors)
        {
            throw new ExportValidationException(File, ToErrors());
        }
    }

    private sealed class Entry(string code, string? column, string message)
    {
        public string Code { get; } = code;
        public string? Column { get; } = column;
        public string Message { get; } = message;
        public List<long> Rows { get; } = [];
        public long Count { get; set; }
    }
}
