using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Guardrails;

/// <summary>
/// Placebo in time: re-runs the estimator on the pre-period only, with a fake treatment start at T0 − T1 (or T0/2 when
/// T0 &lt; 2·T1), and tests the fake ATT with the same variance method. A significant fake effect (p &lt; α) means the
/// treated units drifted from their counterfactual before treatment, so the real estimate may be such drift. A design
/// it cannot check (fewer than 2 pre-periods, a fake window the estimator cannot fit, a variance method the fake
/// window does not allow, staggered cohorts) gives <see cref="NotApplicable"/>, a warning with the reason, never an
/// exception. Immutable and thread-safe.
/// </summary>
public sealed class PlaceboInTimeGuardrail
{
    /// <summary>The guardrail's name in results and alerts.</summary>
    public const string Name = "placebo-in-time";

    private readonly double _alpha;

    /// <summary>A check at level <see cref="GuardrailThresholds.PlaceboInTimeAlpha"/> (default 0.05).</summary>
    public PlaceboInTimeGuardrail(GuardrailThresholds? thresholds = null)
    {
        _alpha = (thresholds ?? new GuardrailThresholds()).PlaceboInTimeAlpha;
        if (!(_alpha > 0 && _alpha < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(thresholds), _alpha, "The placebo-in-time α must be strictly between 0 and 0.5.");
        }
    }

    /// <summary>
    /// The result for a design the check cannot test: a warning (nothing was checked, so nothing passed) whose message
    /// starts "Placebo in time was not checked:" and gives <paramref name="reason"/>.
    /// </summary>
    public static GuardrailResult NotApplicable(string reason, IReadOnlyDictionary<string, double>? evidence = null) =>
        new(Name, GuardrailStatus.Warn, $"Placebo in time was not checked: {reason}", evidence ?? new Dictionary<string, double>());

    /// <summary>The pre-period of <paramref name="data"/> with the treatment moved to the fake start; null when T0 &lt; 2.</summary>
    public static BlockPanel? PrePeriodPlacebo(BlockPanel data)
    {
        int t0 = data.T0 >= 2 * data.T1 ? data.T0 - data.T1 : data.T0 / 2;
        int t1 = data.T0 - t0;
        if (t0 < 1 || t1 < 1)
        {
            return null;
        }
        var y = new double[data.N * data.T0];
        for (int i = 0; i < data.N; i++)
        {
            data.Row(i)[..data.T0].CopyTo(y.AsSpan(i * data.T0, data.T0));
        }
        return new BlockPanel(y, data.N0, data.N1, t0, t1, data.Units, data.Periods.Take(data.T0).ToArray());
    }

    /// <summary>Checks <paramref name="estimate"/> by re-running its estimator on the pre-period placebo and testing with <paramref name="variance"/>.</summary>
    public GuardrailResult Check(PanelEstimate estimate, IVarianceEstimator variance, CancellationToken cancellationToken = default)
    {
        var placebo = PrePeriodPlacebo(estimate.Data);
        if (placebo is null)
        {
            return NotApplicable($"it needs at least 2 pre-periods; the panel has {estimate.Data.T0}.",
                new Dictionary<string, double> { ["preperiods"] = estimate.Data.T0 });
        }
        var evidence = new Dictionary<string, double>
        {
            ["att"] = estimate.Att,
            ["fakeStart"] = placebo.T0,
            ["fakePostPeriods"] = placebo.T1,
            ["alpha"] = _alpha,
        };
        string window = $"{placebo.Periods[placebo.T0]}–{placebo.Periods[placebo.T - 1]}";
        PanelEstimate fake;
        Uncertainty uncertainty;
        try
        {
            fake = estimate.Estimator.Estimate(placebo);
            evidence["fakeAtt"] = fake.Att;
            uncertainty = variance.Estimate(fake, cancellationToken);
        }
        catch (Exception e) when (NotPossible(e) is { } reason)
        {
            return NotApplicable($"it could not run {variance.Name} for {estimate.Estimator.Name} on the fake window {window}: {reason.Message}", evidence);
        }
        evidence["standardError"] = uncertainty.StandardError;
        evidence["pValue"] = uncertainty.PValue;
        if (double.IsNaN(uncertainty.PValue))
        {
            return NotApplicable($"{variance.Name} gave no p-value on {window}; the fake effect {fake.Att:G4} cannot be tested.", evidence);
        }
        if (uncertainty.PValue < _alpha)
        {
            return new(Name, GuardrailStatus.Breach,
                $"A placebo effect before treatment: with a fake start on {placebo.Periods[placebo.T0]}, {fake.Estimator.Name} finds {fake.Att:G4} "
                + $"over {window} (p = {uncertainty.PValue:G3} < {_alpha}). The treated units drift from their counterfactual without treatment; "
                + "the real estimate may be that drift. Check for earlier campaigns, seasonality or a different control set.", evidence);
        }
        return new(Name, GuardrailStatus.Pass,
            $"No placebo effect before treatment: fake effect {fake.Att:G4} over {window} (p = {uncertainty.PValue:G3}, α = {_alpha}).", evidence);
    }

    /// <summary>The design problem behind <paramref name="e"/>, also when an estimator's parallel loop wrapped it; null for anything else (a bug, which propagates).</summary>
    private static MeasurementNotPossibleException? NotPossible(Exception e) => e switch
    {
        MeasurementNotPossibleException notPossible => notPossible,
        AggregateException aggregate when aggregate.Flatten().InnerExceptions.All(x => x is MeasurementNotPossibleException) =>
            (MeasurementNotPossibleException)aggregate.Flatten().InnerExceptions[0],
        _ => null,
    };
}
