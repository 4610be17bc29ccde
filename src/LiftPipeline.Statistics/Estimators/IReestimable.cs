namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// An estimator whose variance methods re-run it the way the synthdid reference does: on a selection of the
/// original rows, with the original penalties and stopping rule, weights warm-started from the original ones
/// (ω renormalised over the selected controls) or held fixed.
/// </summary>
internal interface IReestimable : IPanelEstimator
{
    /// <summary>Prepares re-estimation for <paramref name="original"/> (one of this estimator's estimates).</summary>
    IReestimator Reestimator(PanelEstimate original);
}

/// <summary>Re-estimates τ and the per-period effects on row selections of one original estimate's data. Thread-safe.</summary>
internal interface IReestimator
{
    /// <summary>
    /// τ on <paramref name="rows"/> of the original data (repeats allowed), the first <paramref name="n0"/> of which are
    /// the controls; weights re-solved from the original ones when <paramref name="updateWeights"/>, else held fixed.
    /// The T1 per-period effects are written to <paramref name="effects"/> unless it is empty.
    /// </summary>
    double Estimate(ReadOnlySpan<int> rows, int n0, bool updateWeights, Span<double> effects);

    /// <summary>τ alone on <paramref name="rows"/>, as <see cref="Estimate"/> without the per-period effects.</summary>
    double Att(ReadOnlySpan<int> rows, int n0, bool updateWeights) => Estimate(rows, n0, updateWeights, []);
}
