namespace LiftPipeline.Statistics.Decisions.Budget;

/// <summary>
/// How far and how a fixed total budget (the sum of current spends) may be moved in one period. Immutable.
/// </summary>
/// <param name="MaxMove">No option moves more than this fraction of its current spend, up or down, in a period. Default 0.2.</param>
/// <param name="FloorShare">Every option keeps at least this share of the total budget so it can be re-measured. Default 0.05.</param>
/// <param name="Elasticity">b of the response r(s) = a·s^b, in (0, 1]; 1 means constant iROAS (linear returns). Default 1.</param>
/// <param name="Draws">Posterior draws for Thompson-sampling shares. Default 10,000.</param>
/// <param name="Seed">Seed of those draws. Default 0.</param>
public sealed record ReallocationOptions(
    double MaxMove = 0.2,
    double FloorShare = 0.05,
    double Elasticity = 1,
    int Draws = 10_000,
    int Seed = 0)
{
    /// <summary>±20% per period, a 5% floor, linear returns, 10,000 draws from seed 0.</summary>
    public static ReallocationOptions Default { get; } = new();

    /// <summary>Throws when a setting is outside its range.</summary>
    internal void Validate()
    {
        if (!(MaxMove >= 0 && MaxMove <= 1))
        {
            throw new ArgumentException($"MaxMove is {MaxMove}; it must lie in [0, 1] (a fraction of current spend).");
        }
        if (!(FloorShare >= 0 && FloorShare < 1))
        {
            throw new ArgumentException($"FloorShare is {FloorShare}; it must lie in [0, 1) (a share of the total budget).");
        }
        if (!(Elasticity > 0 && Elasticity <= 1))
        {
            throw new ArgumentException($"Elasticity is {Elasticity}; it must lie in (0, 1] (1 = constant iROAS).");
        }
        if (Draws < 1)
        {
            throw new ArgumentException($"Draws is {Draws}; at least one posterior draw is needed.");
        }
    }
}
