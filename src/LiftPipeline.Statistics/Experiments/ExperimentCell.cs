namespace LiftPipeline.Statistics.Experiments;

/// <summary>The dimensions an experiment's customers are broken down by, besides their arm.</summary>
public enum ExperimentDimension
{
    /// <summary>The <c>segment</c> column.</summary>
    Segment,

    /// <summary>The <c>surface</c> column.</summary>
    Surface,

    /// <summary>The <c>market</c> column.</summary>
    Market,
}

/// <summary>
/// One cell of an experiment: an arm and a level of each breakdown dimension, by category name. A null level means the
/// export has no such column (or the value is null) — or, in a marginal from <see cref="ExperimentStatistics.ForArm"/> or
/// <see cref="ExperimentStatistics.ByArmAnd"/>, that the dimension is summed over.
/// </summary>
public sealed record ExperimentCell(string Arm, string? Segment, string? Surface, string? Market)
{
    /// <summary>The level of <paramref name="dimension"/>.</summary>
    public string? Level(ExperimentDimension dimension) => dimension switch
    {
        ExperimentDimension.Segment => Segment,
        ExperimentDimension.Surface => Surface,
        ExperimentDimension.Market => Market,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "unknown dimension"),
    };
}
