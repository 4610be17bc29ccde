using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Inference;

/// <summary>A slow reference DiD from cell means on explicit row and column lists, independent of the estimator code.</summary>
internal static class DirectDid
{
    /// <summary>(mean treated post − mean treated pre) − (mean control post − mean control pre).</summary>
    public static double Tau(BlockPanel data, IReadOnlyList<int> controls, IReadOnlyList<int> treated, IReadOnlyList<int> pre, IReadOnlyList<int> post) =>
        Mean(data, treated, post) - Mean(data, treated, pre) - (Mean(data, controls, post) - Mean(data, controls, pre));

    public static double Mean(BlockPanel data, IReadOnlyList<int> rows, IReadOnlyList<int> columns)
    {
        double sum = 0;
        foreach (int i in rows)
        {
            foreach (int t in columns)
            {
                sum += data[i, t];
            }
        }
        return sum / (rows.Count * columns.Count);
    }

    public static int[] Range(int start, int end) => Enumerable.Range(start, end - start).ToArray();
}
