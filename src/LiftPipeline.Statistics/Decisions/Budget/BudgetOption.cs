namespace LiftPipeline.Statistics.Decisions.Budget;

/// <summary>
/// One place budget can go (a campaign or a surface) with its measured incremental return on ad spend. Under a flat
/// prior and a normal likelihood the posterior of the true iROAS is N(<paramref name="Iroas"/>, <paramref name="StandardError"/>²).
/// The iROAS is an average over the measured spend: incremental revenue / <paramref name="CurrentSpend"/>. Immutable.
/// </summary>
/// <param name="Name">The option's name, carried into the recommendation.</param>
/// <param name="Iroas">Measured iROAS at the current spend (revenue per unit of spend; 1 breaks even).</param>
/// <param name="StandardError">Its standard error, ≥ 0.</param>
/// <param name="CurrentSpend">Spend per period now, &gt; 0.</param>
public sealed record BudgetOption(string Name, double Iroas, double StandardError, double CurrentSpend)
{
    /// <summary>Throws when the estimate is not finite, the standard error negative or the spend not positive.</summary>
    internal void Validate()
    {
        if (!double.IsFinite(Iroas) || !(StandardError >= 0) || !double.IsFinite(StandardError))
        {
            throw new ArgumentException($"option '{Name}' has iROAS {Iroas} ± {StandardError}; both must be finite and the standard error ≥ 0.");
        }
        if (!(CurrentSpend > 0) || !double.IsFinite(CurrentSpend))
        {
            throw new ArgumentException($"option '{Name}' has current spend {CurrentSpend}; it must be positive (an option without spend has no measured iROAS).");
        }
    }
}
