using LiftPipeline.Ingestion;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>How to build an audience refresh. Defaults: the contract's column names, no previous refresh.</summary>
public sealed record AudienceBuildOptions
{
    /// <summary>Contract name → file column (<c>--map</c>). Default: the contract names.</summary>
    public ColumnMapping Columns { get; init; } = ColumnMapping.Default;

    /// <summary>The previous refresh's customers export: its lapsed customers who are active now are <c>reactivated</c>. Default null: nobody is.</summary>
    public string? PreviousExport { get; init; }

    /// <summary>The definition's name in rule errors. Default: the store path <c>audiences/{audience}/audience.json</c>.</summary>
    public string? DefinitionName { get; init; }
}

/// <summary>A segment's members in a refresh.</summary>
public sealed record SegmentCount(string Segment, long Members);

/// <summary>
/// What <see cref="AudienceBuilder"/> wrote: members per segment, customers per lifecycle stage
/// (by <see cref="Statistics.Audiences.Segments.Lifecycle.Names"/>) and, when a rule used RFM, customers per R, F and M
/// score (<c>Rfm[k][score]</c>, k = 0 R, 1 F, 2 M, score 1–5).
/// </summary>
public sealed record AudienceBuildResult(string Audience, DateOnly AsOf, long Customers, IReadOnlyList<SegmentCount> Segments,
    IReadOnlyList<long> Stages, IReadOnlyList<IReadOnlyList<long>>? Rfm, long MemberRows, string Output);
