namespace LiftPipeline.Statistics.Panels;

/// <summary>
/// What a panel that reads cleanly can be used for — the one check behind <c>lift inspect</c>'s verdict and
/// <c>lift measure</c>'s refusal, so the two never disagree. A panel with no treated cell is a pre-test panel: valid for
/// design (<c>lift design</c>, <c>lift power</c>), not yet for measurement. A treated panel needs
/// <see cref="MinPrePeriods"/> periods before its earliest treatment start.
/// </summary>
/// <param name="Measurable">True when the estimators can run on it.</param>
/// <param name="DesignOnly">True for a pre-test panel: no treated cells yet.</param>
/// <param name="Problem">Why it cannot be measured, as a sentence a user can act on; null when <paramref name="Measurable"/>.</param>
public sealed record PanelReadiness(bool Measurable, bool DesignOnly, string? Problem)
{
    /// <summary>Pre-treatment periods a measurement needs: the synthdid estimators' noise level is a standard deviation of first differences over them.</summary>
    public const int MinPrePeriods = 2;

    /// <summary>The readiness of <paramref name="panel"/>.</summary>
    public static PanelReadiness Of(Panel panel)
    {
        ArgumentNullException.ThrowIfNull(panel);
        if (panel.TreatedUnits.Count == 0)
        {
            return new(false, true,
                "no treated cells yet: a pre-test panel is valid for design (lift design, lift power) but has nothing to measure; export the test periods");
        }
        int start = int.MaxValue;
        foreach (int unit in panel.TreatedUnits)
        {
            start = Math.Min(start, panel.FirstTreatedPeriods[unit]);
        }
        return start >= MinPrePeriods
            ? new(true, false, null)
            : new(false, false,
                $"treatment starts in {panel.Periods[start]} after only {start} pre-treatment period{(start == 1 ? "" : "s")}; a measurement needs at least {MinPrePeriods} to fit the counterfactual and its noise: export earlier periods");
    }
}
