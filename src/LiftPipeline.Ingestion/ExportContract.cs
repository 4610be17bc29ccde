namespace LiftPipeline.Ingestion;

/// <summary>Which export contract a file follows, judged by its columns.</summary>
public enum ExportContract
{
    /// <summary>Neither contract's key columns are present.</summary>
    Unknown,

    /// <summary>One row per unit and period: <c>unit</c>, <c>period</c>, <c>treated</c>.</summary>
    Panel,

    /// <summary>One row per customer: <c>customer_id</c>, <c>arm</c>.</summary>
    Experiment,

    /// <summary>One row per customer, no arm: <c>customer_id</c>, <c>as_of</c> (the audience source, docs/audiences.md).</summary>
    Customers,
}
