using LiftPipeline.Statistics.Decisions.Budget;
using LiftPipeline.Statistics.Measurement;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// One treatment arm's measured return against the control: its spend and its iROAS with a standard error, read off the
/// overall mean contrast on the revenue metric. The budget options of a holdout report and of the evidence page.
/// </summary>
/// <param name="Treatment">The treatment arm.</param>
/// <param name="Control">The control arm it is measured against.</param>
/// <param name="Spend">The treatment arm's spend (<see cref="ArmCount.Spend"/>).</param>
/// <param name="Iroas">Incremental revenue per unit of incremental spend.</param>
/// <param name="StandardError">(upper − lower)/(2·z₁₋α/₂) of the iROAS interval.</param>
public sealed record ArmReturn(string Treatment, string Control, double Spend, double Iroas, double StandardError)
{
    /// <summary>
    /// Every treatment arm with an iROAS and a finite interval against <see cref="HoldoutMeasurement.Control"/> and a positive
    /// spend, in arm order (the one rule for which arms are budget options).
    /// </summary>
    public static IReadOnlyList<ArmReturn> Of(HoldoutMeasurement measurement)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        double z = Normal.InvCDF(0, 1, 0.5 + measurement.Level / 2);
        var returns = new List<ArmReturn>();
        foreach (var arm in measurement.Arms)
        {
            var c = measurement.Contrasts.FirstOrDefault(c => c.Kind == ContrastKind.Mean && HoldoutReport.IsOverall(c) && c.Treatment == arm.Arm
                && c.Control == measurement.Control && c.Iroas is { } r && double.IsFinite(r) && double.IsFinite(c.IroasCi.Lower) && double.IsFinite(c.IroasCi.Upper));
            if (c is not null && arm.Spend > 0 && double.IsFinite(arm.Spend))
            {
                returns.Add(new ArmReturn(arm.Arm, measurement.Control, arm.Spend, c.Iroas!.Value, (c.IroasCi.Upper - c.IroasCi.Lower) / (2 * z)));
            }
        }
        return returns;
    }

    /// <summary>The arm as a budget option named <paramref name="name"/>.</summary>
    public BudgetOption ToOption(string name) => new(name, Iroas, StandardError, Spend);
}
