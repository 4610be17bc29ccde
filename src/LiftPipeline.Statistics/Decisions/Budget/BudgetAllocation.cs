namespace LiftPipeline.Statistics.Decisions.Budget;

/// <summary>One option's recommended spend for the next period and the bounds it was held to. Immutable.</summary>
/// <param name="Name">The option's name.</param>
/// <param name="CurrentSpend">Spend now.</param>
/// <param name="RecommendedSpend">Spend recommended for the next period, within [<paramref name="LowerBound"/>, <paramref name="UpperBound"/>].</param>
/// <param name="LowerBound">max((1 − x)·current, floor).</param>
/// <param name="UpperBound">max((1 + x)·current, floor).</param>
/// <param name="ProbabilityBest">Share of posterior draws in which this option had the highest iROAS (Thompson only).</param>
public sealed record BudgetAllocation(
    string Name,
    double CurrentSpend,
    double RecommendedSpend,
    double LowerBound,
    double UpperBound,
    double? ProbabilityBest = null)
{
    /// <summary>Recommended − current spend.</summary>
    public double Change => RecommendedSpend - CurrentSpend;
}
