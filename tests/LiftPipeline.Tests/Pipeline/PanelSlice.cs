using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>Period slices of a reference panel written as exports, and cell-by-cell panel comparison.</summary>
internal static class PanelSlice
{
    /// <summary>Periods [from, to) of <paramref name="panel"/> as a Parquet export, every metric value plus <paramref name="add"/>.</summary>
    public static async Task<byte[]> ParquetAsync(Panel panel, int from, int to, double add = 0)
    {
        int N = panel.Units.Count, T = to - from;
        var treated = new bool[N * T];
        var metrics = panel.MetricNames.Select(name =>
        {
            var values = new double[N * T];
            for (int u = 0; u < N; u++)
            {
                for (int t = 0; t < T; t++)
                {
                    values[u * T + t] = panel.Metric(name)[u, from + t] + add;
                    treated[u * T + t] = panel.IsTreated(u, from + t);
                }
            }
            return new PanelMatrix(name, N, T, values);
        }).ToArray();
        var slice = new Panel(panel.Units, panel.Periods.Skip(from).Take(T).ToArray(), metrics, treated, panel.Arms);
        using var buffer = new MemoryStream();
        await PanelParquetWriter.WriteAsync(slice, buffer);
        return buffer.ToArray();
    }

    public static void AssertEqual(Panel expected, Panel actual)
    {
        Assert.Equal(expected.Units, actual.Units);
        Assert.Equal(expected.Periods, actual.Periods);
        Assert.Equal(expected.MetricNames, actual.MetricNames);
        Assert.Equal(expected.Treatment.ToArray(), actual.Treatment.ToArray());
        foreach (var name in expected.MetricNames)
        {
            Assert.Equal(expected.Metric(name).Values.ToArray(), actual.Metric(name).Values.ToArray());
        }
    }
}
