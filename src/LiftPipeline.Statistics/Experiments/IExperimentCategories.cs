namespace LiftPipeline.Statistics.Experiments;

/// <summary>
/// What the codes of an <see cref="ExperimentBatch"/> stand for: the name behind each category code (a code indexes its
/// list) and whether the source has exposure and spend columns. A reader of experiment exports implements it; its
/// lists may grow as later batches bring new categories.
/// </summary>
public interface IExperimentCategories
{
    /// <summary>Arm names by code.</summary>
    IReadOnlyList<string> ArmNames { get; }

    /// <summary>Segment names by code.</summary>
    IReadOnlyList<string> SegmentNames { get; }

    /// <summary>Surface names by code.</summary>
    IReadOnlyList<string> SurfaceNames { get; }

    /// <summary>Market names by code.</summary>
    IReadOnlyList<string> MarketNames { get; }

    /// <summary>Whether rows carry an exposure flag.</summary>
    bool HasExposure { get; }

    /// <summary>Whether rows carry spend.</summary>
    bool HasSpend { get; }
}
