namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// A solver met non-finite numbers or a factorisation that did not converge. Internal: the estimator that ran the
/// solver catches it and throws <see cref="MeasurementNotPossibleException"/> naming itself and what failed.
/// </summary>
internal sealed class NumericalFailureException(string message, Exception? inner = null) : Exception(message, inner);
