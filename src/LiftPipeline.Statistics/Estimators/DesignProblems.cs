using System.Runtime.ExceptionServices;

namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// Parallel loops over re-estimates or sub-problems: when every failure inside is a <see cref="MeasurementNotPossibleException"/>
/// or a <see cref="NumericalFailureException"/> (however deeply nested by inner parallel loops), the first is rethrown as
/// itself so the estimator's own handling sees it, not an <see cref="AggregateException"/>; any other failure (a bug)
/// stays wrapped and propagates.
/// </summary>
internal static class DesignProblems
{
    /// <summary>Runs <paramref name="loop"/> and returns its result, unwrapping design problems as described above.</summary>
    public static T Unwrapped<T>(Func<T> loop)
    {
        try
        {
            return loop();
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.All(x => x is MeasurementNotPossibleException or NumericalFailureException))
        {
            ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions[0]).Throw();
            throw;   // not reached: Throw() always throws
        }
    }
}
