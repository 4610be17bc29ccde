namespace LiftPipeline.Statistics.Experiments.Contrasts;

/// <summary>
/// The effect on the treated (complier average causal effect) when not every customer assigned to an arm is exposed:
/// CACE = ITT / (e_t − e_c), the intention-to-treat difference of outcome means divided by the difference of exposure
/// shares (the Wald estimator; Angrist, Imbens and Rubin 1996, "Identification of Causal Effects Using Instrumental
/// Variables", JASA 91:444–455). Valid under random assignment, exclusion (assignment acts only through exposure) and
/// monotonicity (no one is exposed only when held out). e_c is 0 for a true holdout.
/// </summary>
public static class ComplierEffect
{
    /// <summary>
    /// The CACE of <paramref name="treatment"/> against <paramref name="control"/>, each given as paired moments with
    /// y = outcome and x = exposure (0/1). Standard error by the delta method for a ratio of differences:
    /// Var ≈ (Var ΔY − 2·CACE·Cov(ΔY, ΔE) + CACE²·Var ΔE)/ΔE², where the within-arm Cov(ȳ, ē) enters because outcome and
    /// exposure are measured on the same customers. Normal reference (df = ∞); absolute scale only.
    /// </summary>
    /// <exception cref="MeasurementNotPossibleException">Fewer than two units in an arm, or equal exposure shares (no first stage).</exception>
    /// <exception cref="ArgumentOutOfRangeException">α outside (0, 1), or a relative scale.</exception>
    public static ContrastEstimate Estimate(PairedMoments control, PairedMoments treatment, ContrastOptions? options = null)
    {
        options ??= ContrastOptions.Default;
        options.Validate();
        if (options.Scale != EffectScale.Absolute)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Scale, "The complier effect is reported on the absolute scale only.");
        }
        if (control.N < 2 || treatment.N < 2)
        {
            throw new MeasurementNotPossibleException($"The effect on the exposed needs at least two units in each arm; got {control.N} control and {treatment.N} treatment.");
        }
        double itt = treatment.Y.Mean - control.Y.Mean;
        double firstStage = treatment.X.Mean - control.X.Mean;
        if (firstStage == 0)
        {
            throw new MeasurementNotPossibleException("The exposure shares of the two arms are equal, so the effect on the exposed is not identified (no first stage).");
        }
        double cace = itt / firstStage;
        double varY = treatment.Y.Variance / treatment.N + control.Y.Variance / control.N;
        double varE = treatment.X.Variance / treatment.N + control.X.Variance / control.N;
        double cov = treatment.Covariance / treatment.N + control.Covariance / control.N;
        // Delta method for ΔY/ΔE (first-order Taylor expansion around the true differences).
        double variance = (varY - 2 * cace * cov + cace * cace * varE) / (firstStage * firstStage);
        double se = Math.Sqrt(Math.Max(0, variance));
        var (lower, upper, p) = WelchContrast.TTest(cace, se, double.PositiveInfinity, options);
        return new("cace", cace, se, lower, upper, p, double.PositiveInfinity, control.Y.Mean, treatment.Y.Mean, options);
    }
}
