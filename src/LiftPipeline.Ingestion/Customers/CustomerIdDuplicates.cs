using System.Text;
using LiftPipeline.Statistics.Audiences.Validation;

namespace LiftPipeline.Ingestion.Customers;

/// <summary>
/// Finds customer ids that repeat in a customers export, exactly: while the rows stream, each row's 64-bit
/// <see cref="CustomerKey"/> and row number are kept (16 bytes a customer); keys that repeat are then confirmed by reading
/// the ids of only those rows again, so a key collision is never called a duplicate. Add every batch, then
/// <see cref="ThrowIfAnyAsync"/>.
/// </summary>
public sealed class CustomerIdDuplicates
{
    private const int RowsShown = 5;
    private (ulong Key, long Row)[] _keys = new (ulong, long)[1024];
    private long _count;
    private readonly byte[] _id = new byte[64];

    /// <summary>Keeps the key and row of every row of <paramref name="batch"/>.</summary>
    public void Add(CustomerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_keys.Length < _count + batch.Count)
        {
            Array.Resize(ref _keys, (int)Math.Min(Array.MaxLength, Math.Max(2L * _keys.Length, _count + batch.Count)));
        }
        var span = _keys.AsSpan();
        for (int i = 0; i < batch.Count; i++)
        {
            span[(int)_count++] = (CustomerKey.Of(Id(batch, i)), batch.FirstRow + i);
        }
    }

    /// <summary>
    /// Throws when some id repeats: one <see cref="ExportValidationException"/> naming the file, column and rows, e.g.
    /// <c>customers.parquet: [duplicate-id] column 'customer_id': 2 customer ids repeat, e.g. 'c000042' in rows 41, 19998</c>.
    /// <paramref name="reader"/> is the export the batches came from (its rows are read again only where keys repeat).
    /// </summary>
    /// <exception cref="ExportValidationException">An id repeats.</exception>
    public async Task ThrowIfAnyAsync(CustomerExportReader reader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var keys = _keys.AsSpan(0, (int)_count);
        keys.Sort((a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Row.CompareTo(b.Row));
        var candidates = new List<long>();
        for (int i = 1; i < keys.Length; i++)
        {
            if (keys[i].Key == keys[i - 1].Key)
            {
                if (candidates.Count == 0 || candidates[^1] != keys[i - 1].Row)
                {
                    candidates.Add(keys[i - 1].Row);
                }
                candidates.Add(keys[i].Row);
            }
        }
        if (candidates.Count == 0)
        {
            return;
        }
        candidates.Sort();
        var rowsById = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        int next = 0;
        for (int g = 0; g < reader.RowGroupCount && next < candidates.Count; g++)
        {
            var batch = await reader.ReadRowGroupAsync(g, cancellationToken).ConfigureAwait(false);
            for (; next < candidates.Count && candidates[next] < batch.FirstRow + batch.Count; next++)
            {
                string id = Encoding.UTF8.GetString(Id(batch, (int)(candidates[next] - batch.FirstRow)));
                if (!rowsById.TryGetValue(id, out var rows))
                {
                    rowsById[id] = rows = [];
                }
                rows.Add(candidates[next]);
            }
        }
        var repeated = rowsById.Where(p => p.Value.Count > 1).OrderBy(p => p.Value[0]).ToArray();
        if (repeated.Length == 0)
        {
            return;   // 64-bit keys that collided, not ids that repeat
        }
        var (first, at) = repeated[0];
        throw ExportValidationException.Single(reader.FileName, ExportErrorCodes.DuplicateId,
            $"{repeated.Length:N0} customer ids repeat, e.g. '{first}' in rows {string.Join(", ", at.Take(RowsShown))}; a customer is one row", reader.IdColumn,
            [.. repeated.SelectMany(p => p.Value).Order().Take(RowsShown)]);
    }

    private ReadOnlySpan<byte> Id(CustomerBatch batch, int row) => batch.HasTextIds ? batch.TextIds[row].Span : _id.AsSpan(0, batch.WriteId(row, _id));
}
