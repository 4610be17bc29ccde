namespace LiftPipeline.Statistics.Experiments;

/// <summary>Row groups <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive) of one export: the unit of work when an export's statistics are computed in parts.</summary>
/// <param name="Start">The first row group.</param>
/// <param name="End">One past the last row group.</param>
public readonly record struct RowGroupRange(int Start, int End)
{
    /// <summary>Row groups in the range.</summary>
    public int Count => End - Start;

    /// <summary>Throws unless 0 ≤ Start &lt; End ≤ <paramref name="rowGroups"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or outside the export's <paramref name="rowGroups"/> row groups.</exception>
    public void CheckWithin(int rowGroups, string fileName)
    {
        if (Start < 0 || End <= Start || End > rowGroups)
        {
            throw new ArgumentOutOfRangeException(nameof(End), $"row groups [{Start}, {End}) are not a range of {fileName}'s {rowGroups} row groups");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Start}-{End}";
}
