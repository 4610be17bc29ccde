namespace LiftPipeline.Statistics.Conflation;

/// <summary>
/// One metric's four cells of the customers two holdout tests share, the first letter being the arm in this test and the
/// second the arm in the other (T: any treated arm, C: the control arm). Immutable.
/// </summary>
/// <param name="Metric">The metric (one of this test's).</param>
/// <param name="TT">Treated here, treated there.</param>
/// <param name="TC">Treated here, control there.</param>
/// <param name="CT">Control here, treated there.</param>
/// <param name="CC">Control in both.</param>
public sealed record InteractionCells(string Metric, CellSummary TT, CellSummary TC, CellSummary CT, CellSummary CC);

/// <summary>
/// What this holdout test shares with another live one: the customers of each, the arm × arm table of the shared
/// customers (rows: this test's arms), whether both declare the same layer (mutually exclusive by contract), and the
/// interaction cells of each metric. The input of <see cref="ConflatedGuardrail"/>. Immutable.
/// </summary>
/// <param name="Other">The other campaign's id.</param>
/// <param name="Customers">This test's customers (export rows).</param>
/// <param name="OtherCustomers">The other test's customers (its assignment, or its export rows).</param>
/// <param name="Arms">This test's arm names, the table's rows.</param>
/// <param name="OtherArms">The other test's arm names, the table's columns.</param>
/// <param name="Table">Shared customers by this test's arm (row) and the other's (column).</param>
/// <param name="SameLayer">The layer both assignments declare, when they declare the same one; null otherwise.</param>
/// <param name="Metrics">The interaction cells of each of this test's metrics.</param>
public sealed record HoldoutPair(string Other, long Customers, long OtherCustomers, IReadOnlyList<string> Arms, IReadOnlyList<string> OtherArms,
    long[,] Table, string? SameLayer, IReadOnlyList<InteractionCells> Metrics)
{
    /// <summary>Customers in both tests: the table's total.</summary>
    public long Shared
    {
        get
        {
            long n = 0;
            foreach (long count in Table)
            {
                n += count;
            }
            return n;
        }
    }
}
