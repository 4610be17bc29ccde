namespace LiftPipeline.Statistics.Decisions.Budget;

/// <summary>A reallocation of a fixed total budget, with the method and settings that produced it. Immutable.</summary>
/// <param name="Method">"equal-marginal-return" or "thompson-shares".</param>
/// <param name="Budget">The total, Σ current spend = Σ recommended spend.</param>
/// <param name="Allocations">One per option, in input order.</param>
/// <param name="Options">The settings used.</param>
/// <param name="MarginalReturn">The common marginal return λ of the options between their bounds (equal-marginal-return only).</param>
public sealed record BudgetRecommendation(
    string Method,
    double Budget,
    IReadOnlyList<BudgetAllocation> Allocations,
    ReallocationOptions Options,
    double? MarginalReturn = null);
