using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Tests.Pipeline;

public sealed class ShardRangesTests
{
    [Fact]
    public void Consecutive_row_groups_fill_each_work_item_up_to_the_row_budget()
    {
        Assert.Equal([new RowGroupRange(0, 2), new RowGroupRange(2, 3), new RowGroupRange(3, 5)], ShardRanges.Plan([40, 60, 70, 50, 50], 100));
    }

    [Fact]
    public void A_row_group_larger_than_the_budget_is_a_work_item_of_its_own_and_a_small_export_is_one_item()
    {
        Assert.Equal([new RowGroupRange(0, 1), new RowGroupRange(1, 2), new RowGroupRange(2, 3)], ShardRanges.Plan([500, 10, 500], 100));
        Assert.Equal([new RowGroupRange(0, 80)], ShardRanges.Plan(Enumerable.Repeat(122_880L, 80).ToArray(), ShardRanges.DefaultRowsPerWorkItem));
        Assert.Empty(ShardRanges.Plan([], 100));
    }
}
