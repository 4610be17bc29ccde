namespace LiftPipeline.Statistics.Experiments.Contrasts;

/// <summary>The scale on which a treatment is compared with its control.</summary>
public enum EffectScale
{
    /// <summary>The difference of means, treatment − control, in the metric's units.</summary>
    Absolute,

    /// <summary>The lift (treatment − control) / |control mean|, a fraction (0.05 = +5%).</summary>
    Relative,
}

/// <summary>The alternative hypothesis of a test; the interval is one-sided when the test is.</summary>
public enum TestAlternative
{
    /// <summary>The effect differs from 0; the interval is two-sided.</summary>
    TwoSided,

    /// <summary>The effect is above 0; the interval is [lower, +∞).</summary>
    Greater,

    /// <summary>The effect is below 0; the interval is (−∞, upper].</summary>
    Less,
}

/// <summary>How a contrast between two arms is estimated and tested.</summary>
/// <param name="Alpha">Significance level; the interval covers with probability 1 − α. Default 0.05.</param>
/// <param name="Scale">Absolute difference or relative lift. Default <see cref="EffectScale.Absolute"/>.</param>
/// <param name="Alternative">Two-sided (default) or one-sided test and interval.</param>
public sealed record ContrastOptions(
    double Alpha = 0.05,
    EffectScale Scale = EffectScale.Absolute,
    TestAlternative Alternative = TestAlternative.TwoSided)
{
    /// <summary>Two-sided, α = 0.05, absolute difference.</summary>
    public static ContrastOptions Default { get; } = new();

    /// <summary>Throws when α is outside (0, 1).</summary>
    internal void Validate()
    {
        if (!(Alpha > 0 && Alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "The significance level alpha must lie strictly between 0 and 1 (e.g. 0.05).");
        }
    }
}
