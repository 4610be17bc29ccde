namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// A confidence set by inverting a test: {θ : p(θ) > α}. Scans a grid outward from the point estimate in steps
/// of <c>step</c> (doubling every 16 steps) until the first rejected θ on each side, then bisects between the
/// last accepted and first rejected grid point. Reports the hull of the accepted θ reached this way; the point
/// estimate itself is always taken as accepted. A side with no rejection within the scan is infinite.
/// </summary>
internal static class TestInversion
{
    private const int MaxSteps = 160;
    private const int Bisections = 16;

    public static (double Low, double High) Invert(Func<double, double> pValue, double center, double step, double alpha, CancellationToken cancellationToken)
    {
        return (Edge(pValue, center, -step, alpha, cancellationToken), Edge(pValue, center, step, alpha, cancellationToken));
    }

    private static double Edge(Func<double, double> pValue, double center, double step, double alpha, CancellationToken cancellationToken)
    {
        double accepted = center;
        for (int k = 1; k <= MaxSteps; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double theta = accepted + step;
            if (pValue(theta) <= alpha)
            {
                return Bisect(pValue, accepted, theta, alpha);
            }
            accepted = theta;
            if (k % 16 == 0)
            {
                step *= 2;
            }
        }
        return step > 0 ? double.PositiveInfinity : double.NegativeInfinity;
    }

    private static double Bisect(Func<double, double> pValue, double accepted, double rejected, double alpha)
    {
        for (int k = 0; k < Bisections; k++)
        {
            double mid = 0.5 * (accepted + rejected);
            if (pValue(mid) > alpha)
            {
                accepted = mid;
            }
            else
            {
                rejected = mid;
            }
        }
        return accepted;
    }
}
