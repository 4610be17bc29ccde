using LiftPipeline.Statistics.Audiences.Segments;

namespace LiftPipeline.Tests.Audiences;

/// <summary>RFM quintiles as SQL's NTILE(5) with the id tie-break, stable under row order; lifecycle stage boundaries.</summary>
public sealed class RfmAndLifecycleTests
{
    [Theory]
    [InlineData(10, new[] { 0, 0, 1, 1, 2, 2, 3, 3, 4, 4 })]
    [InlineData(7, new[] { 0, 0, 1, 1, 2, 3, 4 })]
    [InlineData(3, new[] { 0, 1, 2 })]
    public void Ntile_gives_the_first_tiles_one_row_more(int n, int[] expected)
    {
        Assert.Equal(expected, Enumerable.Range(0, n).Select(p => RfmScores.Ntile(p, n, 5)));
    }

    [Fact]
    public void Equal_values_split_by_id_and_lower_values_score_lower()
    {
        // Ten customers with one value: the five lowest ids take scores 1, 1, 2, 2, 3 … by id, whatever their row.
        long[] ids = [9, 3, 7, 1, 5, 2, 8, 4, 10, 6];
        var values = new double[10];
        var scores = new byte[10];

        RfmScores.Quintiles(values, RfmScores.IdRanks(ids), scores);

        Assert.Equal(ids.Select(id => (byte)((id - 1) / 2 + 1)), scores);
    }

    [Fact]
    public void Nan_values_rank_first_then_values_ascending()
    {
        long[] ids = [1, 2, 3, 4, 5];
        double[] values = [50, double.NaN, 10, 40, 20];
        var scores = new byte[5];

        RfmScores.Quintiles(values, RfmScores.IdRanks(ids), scores);

        Assert.Equal(new byte[] { 5, 1, 2, 4, 3 }, scores);
    }

    [Fact]
    public void Scores_per_customer_do_not_change_when_rows_are_shuffled()
    {
        var random = new Random(7);
        int n = 2_003;
        var ids = Enumerable.Range(0, n).Select(i => "cust-" + i).ToArray();
        var values = Enumerable.Range(0, n).Select(_ => (double)random.Next(0, 6)).ToArray();   // heavy ties
        var first = Score(ids, values);

        var order = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToArray();
        var shuffled = Score(order.Select(i => ids[i]).ToArray(), order.Select(i => values[i]).ToArray());

        for (int k = 0; k < n; k++)
        {
            Assert.Equal(first[ids[order[k]]], shuffled[ids[order[k]]]);
        }
        Assert.Equal(new[] { 401, 401, 401, 400, 400 }, first.Values.GroupBy(s => s).OrderBy(g => g.Key).Select(g => g.Count()));
    }

    [Fact]
    public void Text_ids_rank_in_ordinal_utf8_order()
    {
        string[] ids = ["b", "a", "B", "ä", "aa"];
        var bytes = ids.SelectMany(System.Text.Encoding.UTF8.GetBytes).ToArray();
        var offsets = new long[ids.Length + 1];
        for (int i = 0; i < ids.Length; i++)
        {
            offsets[i + 1] = offsets[i] + System.Text.Encoding.UTF8.GetByteCount(ids[i]);
        }

        Assert.Equal([3, 1, 0, 4, 2], RfmScores.IdRanks(bytes, offsets));
    }

    [Theory]
    [InlineData(double.NaN, double.NaN, false, LifecycleStage.None)]
    [InlineData(30, 30, false, LifecycleStage.New)]
    [InlineData(31, 5, false, LifecycleStage.Active)]
    [InlineData(400, 90, false, LifecycleStage.Active)]
    [InlineData(400, 90, true, LifecycleStage.Reactivated)]
    [InlineData(20, 5, true, LifecycleStage.New)]
    [InlineData(400, 91, true, LifecycleStage.Lapsing)]
    [InlineData(400, 365, false, LifecycleStage.Lapsing)]
    [InlineData(400, 366, false, LifecycleStage.Lapsed)]
    public void Stages_follow_the_inclusive_thresholds(double daysSinceFirst, double daysSinceLast, bool wasLapsed, LifecycleStage expected)
    {
        const double asOf = 20_000;

        var stage = Lifecycle.Stage(asOf, asOf - daysSinceFirst, asOf - daysSinceLast, wasLapsed, new LifecycleThresholds());

        Assert.Equal(expected, stage);
    }

    [Fact]
    public void Thresholds_out_of_order_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new LifecycleThresholds { ActiveDays = 400 }.Validate());

        Assert.Equal("lifecycle thresholds must satisfy 0 <= newDays <= activeDays <= lapsingDays; got 30, 400, 365", e.Message);
    }

    private static Dictionary<string, byte> Score(string[] ids, double[] values)
    {
        var bytes = ids.SelectMany(System.Text.Encoding.UTF8.GetBytes).ToArray();
        var offsets = new long[ids.Length + 1];
        for (int i = 0; i < ids.Length; i++)
        {
            offsets[i + 1] = offsets[i] + ids[i].Length;
        }
        var scores = new byte[ids.Length];
        RfmScores.Quintiles(values, RfmScores.IdRanks(bytes, offsets), scores);
        return ids.Select((id, i) => (id, scores[i])).ToDictionary(p => p.id, p => p.Item2);
    }
}
