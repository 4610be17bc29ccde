namespace LiftPipeline.Ingestion;

/// <summary>Column names of the export contracts (README, "Export contracts").</summary>
public static class ContractColumns
{
    /// <summary>Panel: the geo, market or cohort.</summary>
    public const string Unit = "unit";

    /// <summary>Panel: the date or integer period.</summary>
    public const string Period = "period";

    /// <summary>Panel: 1 when the unit is under treatment in that period.</summary>
    public const string Treated = "treated";

    /// <summary>Panel (optional) and experiment: the test cell or arm.</summary>
    public const string Arm = "arm";

    /// <summary>Optional spend, numeric.</summary>
    public const string Spend = "spend";

    /// <summary>Experiment: the customer.</summary>
    public const string CustomerId = "customer_id";

    /// <summary>Experiment (optional): audience segment.</summary>
    public const string Segment = "segment";

    /// <summary>Experiment (optional): activation surface.</summary>
    public const string Surface = "surface";

    /// <summary>Experiment (optional): market.</summary>
    public const string Market = "market";

    /// <summary>Experiment (optional): the customer received the treatment.</summary>
    public const string Exposed = "exposed";

    /// <summary>Experiment: prefix of pre-period covariates used by CUPED.</summary>
    public const string PrePrefix = "pre_";

    /// <summary>The contract columns a <see cref="ColumnMapping"/> may point at another file column (campaign.json <c>columns</c>, <c>--map</c>).</summary>
    public static IReadOnlyList<string> Mappable { get; } = [Unit, Period, Treated, Arm, Spend, CustomerId, Segment, Surface, Market, Exposed];
}
