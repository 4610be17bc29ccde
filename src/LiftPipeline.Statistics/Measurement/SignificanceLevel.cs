namespace LiftPipeline.Statistics.Measurement;

/// <summary>The rule every significance level α follows, for holdouts and panels alike: strictly between 0 and 0.5.</summary>
public static class SignificanceLevel
{
    /// <summary>The broken rule of <paramref name="alpha"/> under setting <paramref name="field"/>, or null when it is usable.</summary>
    public static SettingError? Check(double alpha, string field = "alpha") =>
        alpha > 0 && alpha < 0.5 ? null : new SettingError(field, $"is {ArmAllocation.Show(alpha)}; give a significance level strictly between 0 and 0.5, such as 0.05");
}
