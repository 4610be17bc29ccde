namespace LiftPipeline.Statistics.Audiences.Segments;

/// <summary>A customer's lifecycle stage from order recency (<see cref="Lifecycle"/>); the rule language names them in lower case.</summary>
public enum LifecycleStage
{
    /// <summary>No orders.</summary>
    None,

    /// <summary>First order within <see cref="LifecycleThresholds.NewDays"/>.</summary>
    New,

    /// <summary>Last order within <see cref="LifecycleThresholds.ActiveDays"/>.</summary>
    Active,

    /// <summary>Last order within <see cref="LifecycleThresholds.LapsingDays"/>.</summary>
    Lapsing,

    /// <summary>Last order longer ago.</summary>
    Lapsed,

    /// <summary>Active now and lapsed at the previous refresh.</summary>
    Reactivated,
}

/// <summary>Recency thresholds of the lifecycle stages, in days before <c>as_of</c>, inclusive. Defaults: 30, 90, 365.</summary>
public sealed record LifecycleThresholds
{
    /// <summary>A customer whose first order is at most this many days old is new. Default 30.</summary>
    public int NewDays { get; init; } = 30;

    /// <summary>A customer whose last order is at most this many days old is active. Default 90.</summary>
    public int ActiveDays { get; init; } = 90;

    /// <summary>A customer whose last order is at most this many days old (and more than <see cref="ActiveDays"/>) is lapsing. Default 365.</summary>
    public int LapsingDays { get; init; } = 365;

    /// <summary>Checks 0 ≤ new ≤ active ≤ lapsing.</summary>
    /// <exception cref="ArgumentException">Thresholds out of order or negative.</exception>
    public void Validate()
    {
        if (NewDays < 0 || ActiveDays < NewDays || LapsingDays < ActiveDays)
        {
            throw new ArgumentException($"lifecycle thresholds must satisfy 0 <= newDays <= activeDays <= lapsingDays; got {NewDays}, {ActiveDays}, {LapsingDays}");
        }
    }
}

/// <summary>Lifecycle stages from order dates (docs/audiences.md, "Lifecycle stages"). Pure and thread-safe.</summary>
public static class Lifecycle
{
    /// <summary>Stage names by <see cref="LifecycleStage"/> value, as rules write them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["none", "new", "active", "lapsing", "lapsed", "reactivated"];

    /// <summary>
    /// The stage of a customer at <paramref name="asOf"/> (days since 1970-01-01) with first and last order days (NaN
    /// without orders). Precedence: none, new, reactivated (active now, <paramref name="wasLapsed"/>), active, lapsing, lapsed.
    /// </summary>
    public static LifecycleStage Stage(double asOf, double firstOrder, double lastOrder, bool wasLapsed, LifecycleThresholds thresholds)
    {
        if (double.IsNaN(lastOrder) || double.IsNaN(firstOrder))
        {
            return LifecycleStage.None;
        }
        if (asOf - firstOrder <= thresholds.NewDays)
        {
            return LifecycleStage.New;
        }
        double recency = asOf - lastOrder;
        if (recency <= thresholds.ActiveDays)
        {
            return wasLapsed ? LifecycleStage.Reactivated : LifecycleStage.Active;
        }
        return recency <= thresholds.LapsingDays ? LifecycleStage.Lapsing : LifecycleStage.Lapsed;
    }
}
