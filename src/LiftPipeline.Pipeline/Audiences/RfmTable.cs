using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Statistics.Audiences.Segments;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// RFM scores of every customer of an export by file row, from one pass over the whole export (<see cref="RfmScores"/>).
/// Memory while scoring: per customer the last order date, orders and revenue (24 bytes), the id (8 bytes for an
/// integer, 8 bytes of offset plus its UTF-8 bytes for text), its id rank (4) and 16 bytes of sort scratch; kept after:
/// 3 bytes per customer.
/// </summary>
internal sealed class RfmTable
{
    private readonly byte[][] _scores;

    private RfmTable(byte[] r, byte[] f, byte[] m) => _scores = [r, f, m];

    /// <summary>Customers per score 1–5 for R, F and M.</summary>
    public long[][] Counts()
    {
        var counts = new long[3][];
        for (int k = 0; k < 3; k++)
        {
            counts[k] = new long[6];
            foreach (byte score in _scores[k])
            {
                counts[k][score]++;
            }
        }
        return counts;
    }

    /// <summary>Fills <paramref name="values"/> with score <paramref name="kind"/> (0 R, 1 F, 2 M, 3 the number 100R + 10F + M) of the rows from <paramref name="firstRow"/>.</summary>
    public void Fill(int kind, long firstRow, Span<double> values)
    {
        int start = checked((int)firstRow);
        for (int i = 0; i < values.Length; i++)
        {
            int row = start + i;
            values[i] = kind < 3 ? _scores[kind][row] : 100 * _scores[0][row] + 10 * _scores[1][row] + _scores[2][row];
        }
    }

    /// <summary>Reads every row group of <paramref name="reader"/> and scores its customers.</summary>
    public static async Task<RfmTable> BuildAsync(CustomerExportReader reader, CancellationToken cancellationToken)
    {
        int n = checked((int)reader.Rows);
        var last = new double[n];
        var orders = new double[n];
        var revenue = new double[n];
        long[] integerIds = reader.HasTextIds ? [] : new long[n];
        var offsets = reader.HasTextIds ? new long[n + 1] : [];
        var bytes = new byte[reader.HasTextIds ? Math.Max(16, n * 12) : 0];
        int row = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = await reader.ReadRowGroupAsync(g, cancellationToken).ConfigureAwait(false);
            var lastOrder = batch.LastOrder;
            for (int i = 0; i < batch.Count; i++, row++)
            {
                last[row] = lastOrder[i] == CustomerBatch.NoDate ? double.NaN : lastOrder[i];
                if (reader.HasTextIds)
                {
                    var id = batch.TextIds[i].Span;
                    long end = offsets[row] + id.Length;
                    if (end > bytes.Length)
                    {
                        Array.Resize(ref bytes, checked((int)Math.Min(Array.MaxLength, Math.Max(end, 2L * bytes.Length))));
                    }
                    id.CopyTo(bytes.AsSpan(checked((int)offsets[row])));
                    offsets[row + 1] = end;
                }
            }
            batch.Orders.CopyTo(orders.AsSpan(row - batch.Count));
            batch.Revenue.CopyTo(revenue.AsSpan(row - batch.Count));
            if (!reader.HasTextIds)
            {
                batch.IntegerIds.CopyTo(integerIds.AsSpan(row - batch.Count));
            }
        }
        var idRanks = reader.HasTextIds ? RfmScores.IdRanks(bytes, offsets) : RfmScores.IdRanks(integerIds);
        var r = new byte[n];
        var f = new byte[n];
        var m = new byte[n];
        RfmScores.Quintiles(last, idRanks, r);
        RfmScores.Quintiles(orders, idRanks, f);
        RfmScores.Quintiles(revenue, idRanks, m);
        return new RfmTable(r, f, m);
    }
}
