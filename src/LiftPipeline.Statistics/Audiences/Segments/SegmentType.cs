namespace LiftPipeline.Statistics.Audiences.Segments;

/// <summary>The type of a column or of an expression of a segment rule.</summary>
public enum SegmentType
{
    /// <summary>A number (counts, money, shares, scores); null is NaN.</summary>
    Number,

    /// <summary>A date as days since 1970-01-01; null is NaN.</summary>
    Date,

    /// <summary>Text as codes into a per-column dictionary; null is -1.</summary>
    Text,
}
