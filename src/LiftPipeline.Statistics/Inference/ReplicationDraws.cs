namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// What a variance method's replications produced: τ of each replication and, from the same replications, its
/// per-period effects (row r of a count × <see cref="Periods"/> matrix), so the ATT's standard error and the
/// per-period standard errors describe one set of draws.
/// </summary>
internal sealed class ReplicationDraws(double[] att, double[] effects, int periods)
{
    /// <summary>τ per replication.</summary>
    public double[] Att { get; } = att;

    /// <summary>Per-period effects, row-major by replication.</summary>
    public double[] Effects { get; } = effects;

    /// <summary>Post periods per replication.</summary>
    public int Periods { get; } = periods;

    /// <summary>Replications drawn.</summary>
    public int Count => Att.Length;

    /// <summary><paramref name="scale"/> times the population standard deviation of τ (synthdid's √((r−1)/r)·sd).</summary>
    public double StandardError(double scale = 1) => scale * Replications.StandardError(Att);

    /// <summary><paramref name="scale"/> times the population standard deviation of each period's effect.</summary>
    public double[] PeriodStandardErrors(double scale = 1)
    {
        var ses = new double[Periods];
        var column = new double[Count];
        for (int k = 0; k < Periods; k++)
        {
            for (int r = 0; r < Count; r++)
            {
                column[r] = Effects[r * Periods + k];
            }
            ses[k] = scale * Replications.StandardError(column);
        }
        return ses;
    }

    /// <summary>
    /// The normal-theory uncertainty at these draws' standard errors, flagged when they rest on few distinct values: the
    /// distinct τ values, at most <paramref name="units"/> for a resampling of units (a bootstrap draws many distinct
    /// values from only as much information as its smaller group of units holds).
    /// </summary>
    public Uncertainty ToUncertainty(string method, double estimate, int replications, double level, double scale = 1, int? units = null) =>
        Uncertainty.FromStandardError(method, estimate, StandardError(scale), replications, level)
            .WithDistinctReplications(Math.Min(Uncertainty.CountDistinct(Att), units ?? int.MaxValue)) with { PeriodStandardErrors = PeriodStandardErrors(scale), Draws = Scaled(scale) };

    private double[] Scaled(double scale)
    {
        var scaled = new double[Count];
        for (int r = 0; r < scaled.Length; r++)
        {
            scaled[r] = scale * Att[r];
        }
        return scaled;
    }
}
