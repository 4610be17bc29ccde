namespace LiftPipeline.Statistics.Conflation;

/// <summary>
/// The customers two holdout tests share, from each test's assignment (customer id → arm index): how many, what share of
/// each test, and the arm × arm contingency table of the shared customers (rows: the first test's arms, columns: the
/// second's). Immutable.
/// </summary>
/// <param name="FirstCustomers">Customers assigned in the first test.</param>
/// <param name="SecondCustomers">Customers assigned in the second test.</param>
/// <param name="Shared">Customers assigned in both.</param>
/// <param name="Table">Shared customers by first-test arm (row) and second-test arm (column).</param>
public sealed record HoldoutOverlap(long FirstCustomers, long SecondCustomers, long Shared, long[,] Table)
{
    /// <summary>Share of the first test's customers that are also in the second (0 when the first is empty).</summary>
    public double ShareOfFirst => FirstCustomers == 0 ? 0 : Shared / (double)FirstCustomers;

    /// <summary>Share of the second test's customers that are also in the first (0 when the second is empty).</summary>
    public double ShareOfSecond => SecondCustomers == 0 ? 0 : Shared / (double)SecondCustomers;

    /// <summary>
    /// Joins two assignments on customer id (ordinal) and counts shared customers by arm pair. The inputs are not modified;
    /// each test's ids must be distinct.
    /// </summary>
    /// <param name="firstIds">The first test's customer ids.</param>
    /// <param name="firstArms">The first test's arm index (0 to <paramref name="firstArmCount"/> − 1) of each id.</param>
    /// <param name="firstArmCount">Number of arms of the first test.</param>
    /// <param name="secondIds">The second test's customer ids.</param>
    /// <param name="secondArms">The second test's arm index of each id.</param>
    /// <param name="secondArmCount">Number of arms of the second test.</param>
    /// <exception cref="ArgumentException">Ids and arms of different lengths, an arm out of range, or a repeated id.</exception>
    public static HoldoutOverlap Of(
        ReadOnlySpan<string> firstIds, ReadOnlySpan<int> firstArms, int firstArmCount,
        ReadOnlySpan<string> secondIds, ReadOnlySpan<int> secondArms, int secondArmCount)
    {
        var (ids1, arms1) = Sorted(firstIds, firstArms, firstArmCount, "first");
        var (ids2, arms2) = Sorted(secondIds, secondArms, secondArmCount, "second");
        var table = new long[firstArmCount, secondArmCount];
        long shared = 0;
        int i = 0, j = 0;
        while (i < ids1.Length && j < ids2.Length)
        {
            int c = string.CompareOrdinal(ids1[i], ids2[j]);
            if (c < 0) { i++; continue; }
            if (c > 0) { j++; continue; }
            table[arms1[i], arms2[j]]++;
            shared++;
            i++;
            j++;
        }
        return new HoldoutOverlap(ids1.Length, ids2.Length, shared, table);
    }

    private static (string[] Ids, int[] Arms) Sorted(ReadOnlySpan<string> ids, ReadOnlySpan<int> arms, int armCount, string which)
    {
        if (ids.Length != arms.Length || armCount < 1)
        {
            throw new ArgumentException($"the {which} assignment has {ids.Length} ids, {arms.Length} arms and {armCount} arm names; give one arm per id");
        }
        var sortedIds = ids.ToArray();
        var sortedArms = arms.ToArray();
        for (int k = 0; k < sortedArms.Length; k++)
        {
            if ((uint)sortedArms[k] >= (uint)armCount)
            {
                throw new ArgumentException($"customer '{sortedIds[k]}' of the {which} assignment has arm {sortedArms[k]}, outside 0-{armCount - 1}");
            }
        }
        Array.Sort(sortedIds, sortedArms, StringComparer.Ordinal);
        for (int k = 1; k < sortedIds.Length; k++)
        {
            if (string.Equals(sortedIds[k], sortedIds[k - 1], StringComparison.Ordinal))
            {
                throw new ArgumentException($"customer '{sortedIds[k]}' appears twice in the {which} assignment");
            }
        }
        return (sortedIds, sortedArms);
    }
}
