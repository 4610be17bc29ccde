namespace LiftPipeline.Statistics.Audiences.Segments;

/// <summary>
/// One batch of customers, column by column, as a <see cref="SegmentRule"/> reads it. Column indexes are those of the
/// <see cref="SegmentSchema"/> the rule was compiled against; spans have <see cref="Count"/> values and stay valid until
/// the batch changes.
/// </summary>
public interface ISegmentColumns
{
    /// <summary>Customers in the batch.</summary>
    int Count { get; }

    /// <summary>A number or date column (dates as days since 1970-01-01); NaN is null.</summary>
    ReadOnlySpan<double> Numbers(int column);

    /// <summary>A text column as codes; -1 is null.</summary>
    ReadOnlySpan<int> Codes(int column);

    /// <summary>The code of <paramref name="text"/> in text column <paramref name="column"/>, or -1 when no customer read so far has it.</summary>
    int CodeOf(int column, string text);
}
