using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>
/// How a holdout shard is split into work items: consecutive row groups, each range holding at most
/// <see cref="DefaultRowsPerWorkItem"/> rows (or the host's setting) unless a single row group is larger. A shard of one
/// range is processed where it arrives; each range of a larger one is a work item of its own.
/// </summary>
public static class ShardRanges
{
    /// <summary>Rows per work item unless the host says otherwise: 25 million, a few seconds of one core.</summary>
    public const long DefaultRowsPerWorkItem = 25_000_000;

    /// <summary>The ranges of a file whose row groups hold <paramref name="rowGroupRows"/> rows; empty for a file without row groups.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rowsPerWorkItem"/> is below 1.</exception>
    public static IReadOnlyList<RowGroupRange> Plan(IReadOnlyList<long> rowGroupRows, long rowsPerWorkItem)
    {
        ArgumentNullException.ThrowIfNull(rowGroupRows);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerWorkItem, 1);
        var ranges = new List<RowGroupRange>();
        int start = 0;
        long rows = 0;
        for (int g = 0; g < rowGroupRows.Count; g++)
        {
            if (g > start && rows + rowGroupRows[g] > rowsPerWorkItem)
            {
                ranges.Add(new RowGroupRange(start, g));
                start = g;
                rows = 0;
            }
            rows += rowGroupRows[g];
        }
        if (rowGroupRows.Count > start)
        {
            ranges.Add(new RowGroupRange(start, rowGroupRows.Count));
        }
        return ranges;
    }
}
