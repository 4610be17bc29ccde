using LiftPipeline.Statistics.Estimators;
using MathNet.Numerics.LinearAlgebra;

namespace LiftPipeline.Tests.Estimators;

/// <summary>Optimality conditions of Σ v(Y − α − β − L)² + λ‖L‖_* (v = w/Σw), checked from scratch with dense matrices.</summary>
internal static class NuclearNormKkt
{
    public readonly record struct Result(int Rank, double FixedEffectGradient, double OnSupport, double OffSupport);

    public static Result Check(double[] y, double[] w, int n, int t, double lambda, TwoWayLowRankFit fit)
    {
        double total = w.Sum();
        var g = Matrix<double>.Build.Dense(n, t);
        for (int i = 0; i < n; i++)
        {
            for (int s = 0; s < t; s++)
            {
                g[i, s] = 2 * w[i * t + s] / total * (y[i * t + s] - fit.Fitted(i, s)) / lambda;
            }
        }
        double feGradient = Math.Max(g.RowSums().AbsoluteMaximum(), g.ColumnSums().AbsoluteMaximum()) * lambda;
        var l = Matrix<double>.Build.DenseOfRowMajor(n, t, fit.L);
        var svd = l.Svd(true);
        int rank = svd.S.Count(x => x > 1e-8 * Math.Max(1, svd.S[0]));
        if (rank == 0)
        {
            return new Result(0, feGradient, 0, g.L2Norm());
        }
        var u = svd.U.SubMatrix(0, n, 0, rank);
        var v = svd.VT.Transpose().SubMatrix(0, t, 0, rank);
        double onSupport = (u.Transpose() * g * v - Matrix<double>.Build.DenseIdentity(rank)).L2Norm();
        var pu = Matrix<double>.Build.DenseIdentity(n) - u * u.Transpose();
        var pv = Matrix<double>.Build.DenseIdentity(t) - v * v.Transpose();
        return new Result(rank, feGradient, onSupport, (pu * g * pv).L2Norm());
    }
}
