namespace LiftPipeline.Statistics.Design;

/// <summary>
/// One historical test window: the first <see cref="Length"/> periods of the history are kept (later ones dropped, as
/// GeoLift does) and the last <see cref="Duration"/> of them are the test.
/// </summary>
internal readonly record struct GeoWindow(int Length, int Duration)
{
    /// <summary>Pre-test periods, T0.</summary>
    public int T0 => Length - Duration;

    /// <summary>
    /// GeoLift's window for lookback index <paramref name="s"/> (1 = the most recent): the <paramref name="duration"/>
    /// periods ending s − 1 periods before the last of <paramref name="periods"/>.
    /// </summary>
    public static GeoWindow Lookback(int periods, int duration, int s) => new(periods - s + 1, duration);
}

/// <summary>What one simulation found: the test's p-value and the point estimates at one effect size.</summary>
/// <param name="PValue">Conformal p-value of no effect over the window.</param>
/// <param name="Att">Mean over the window of treated mean − counterfactual.</param>
/// <param name="DetectedLift">Σ(treated mean − counterfactual) / Σ counterfactual over the window.</param>
/// <param name="Investment">cpic × Σ over treated cells in the window of the un-lifted outcome × effect size.</param>
/// <param name="ScaledL2Imbalance">Scaled L2 imbalance of the pre-window fit.</param>
internal readonly record struct GeoSimulation(double PValue, double Att, double DetectedLift, double Investment, double ScaledL2Imbalance);

/// <summary>
/// Simulates geo tests on one design panel: for a set of treated markets, a donor pool and a window, the lift of each
/// effect size applied to the treated markets inside the window, the estimate and the conformal test of no effect.
/// Implementations may cache work across calls (Gram matrices per window, permutation draws), so one instance serves
/// one thread.
/// </summary>
internal interface IGeoSimulator
{
    /// <summary>Fills <paramref name="results"/>[k] with the simulation of <paramref name="effects"/>[k].</summary>
    void Simulate(ReadOnlySpan<int> treated, ReadOnlySpan<int> donors, GeoWindow window, ReadOnlySpan<double> effects, Span<GeoSimulation> results);

    /// <summary>The p-value of the no-effect test alone in <paramref name="window"/> (a calibration window).</summary>
    double NullPValue(ReadOnlySpan<int> treated, ReadOnlySpan<int> donors, GeoWindow window);
}
