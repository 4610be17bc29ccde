using System.Text;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Statistics.Audiences.Segments;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// The customers who were <see cref="LifecycleStage.Lapsed"/> in the previous refresh's customers export, so that those
/// active now count as <see cref="LifecycleStage.Reactivated"/>. Keeps only the lapsed ids. Not thread-safe.
/// </summary>
public sealed class PreviousStages
{
    private readonly HashSet<string> _text = new(StringComparer.Ordinal);
    private readonly HashSet<long> _integers = [];
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private char[] _chars = new char[64];

    private PreviousStages() => _lookup = _text.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Customers lapsed in the previous export.</summary>
    public int Lapsed => _text.Count + _integers.Count;

    /// <summary>Reads the previous export at <paramref name="path"/> and keeps its lapsed customers under <paramref name="thresholds"/>.</summary>
    /// <exception cref="ExportValidationException">The previous export has a problem.</exception>
    public static async Task<PreviousStages> ReadAsync(string path, CustomerExportOptions options, LifecycleThresholds thresholds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(thresholds);
        await using var file = await ExportFile.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        var reader = CustomerExportReader.Open(file, options with { Extras = [] });
        var previous = new PreviousStages();
        await foreach (var batch in reader.ReadBatchesAsync(cancellationToken).ConfigureAwait(false))
        {
            var asOf = batch.AsOf;
            var first = batch.FirstOrder;
            var last = batch.LastOrder;
            for (int i = 0; i < batch.Count; i++)
            {
                if (last[i] == CustomerBatch.NoDate || Lifecycle.Stage(asOf[i], first[i], last[i], false, thresholds) != LifecycleStage.Lapsed)
                {
                    continue;
                }
                if (batch.HasTextIds)
                {
                    previous._text.Add(Encoding.UTF8.GetString(batch.TextIds[i].Span));
                }
                else
                {
                    previous._integers.Add(batch.IntegerIds[i]);
                }
            }
        }
        return previous;
    }

    /// <summary>True when row <paramref name="row"/>'s customer was lapsed before; allocates nothing.</summary>
    public bool WasLapsed(CustomerBatch batch, int row)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!batch.HasTextIds)
        {
            return _integers.Contains(batch.IntegerIds[row]);
        }
        if (_text.Count == 0)
        {
            return false;
        }
        var id = batch.TextIds[row].Span;
        if (_chars.Length < id.Length)
        {
            _chars = new char[id.Length];
        }
        int length = Encoding.UTF8.GetChars(id, _chars);
        return _lookup.Contains(_chars.AsSpan(0, length));
    }
}
