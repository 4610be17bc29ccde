namespace LiftPipeline.Statistics;

/// <summary>
/// The design in hand cannot be measured the way it was asked: the data are valid, but the estimator, variance method
/// or tail model needs something they do not have (placebo with no more controls than treated units, too few
/// pre-periods, a jackknife with one treated unit, a control arm missing from the export, too few values in a tail).
/// The message says what is missing and, where there is one, what to use instead, so an analyst can act on it.
/// Callers report it as a measurement failure; any other exception out of the statistics is a bug and must surface.
/// </summary>
public sealed class MeasurementNotPossibleException : Exception
{
    /// <summary>Creates the exception with a one-line <paramref name="message"/> an analyst can act on.</summary>
    public MeasurementNotPossibleException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line <paramref name="message"/> and the problem that revealed it.</summary>
    public MeasurementNotPossibleException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
