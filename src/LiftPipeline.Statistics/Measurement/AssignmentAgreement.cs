namespace LiftPipeline.Statistics.Measurement;

/// <summary>
/// How a holdout's export rows agree with the campaign's stored assignment (<c>assignments/{campaign}/assignment.parquet</c>):
/// customers reported in another arm than they were assigned, customers the assignment does not hold, and customers
/// assigned to the holdout (control) arm whom the export shows exposed. Each count comes with up to
/// <see cref="ExampleCount"/> of its customer ids, in export order, for the report. Immutable.
/// </summary>
/// <param name="Customers">Export rows checked (one per customer).</param>
/// <param name="WrongArm">Rows whose arm differs from the customer's assigned arm.</param>
/// <param name="NotAssigned">Rows whose customer the assignment does not hold.</param>
/// <param name="HoldoutAssigned">Rows whose customer is assigned to the control arm.</param>
/// <param name="HoldoutExposed">Of <paramref name="HoldoutAssigned"/>, rows flagged exposed (0 when the export has no exposure column).</param>
/// <param name="FirstWrongArm">The first ids of <paramref name="WrongArm"/>.</param>
/// <param name="FirstNotAssigned">The first ids of <paramref name="NotAssigned"/>.</param>
/// <param name="FirstHoldoutExposed">The first ids of <paramref name="HoldoutExposed"/>.</param>
public sealed record AssignmentAgreement(long Customers, long WrongArm, long NotAssigned, long HoldoutAssigned, long HoldoutExposed,
    IReadOnlyList<string> FirstWrongArm, IReadOnlyList<string> FirstNotAssigned, IReadOnlyList<string> FirstHoldoutExposed)
{
    /// <summary>How many ids of each kind are kept as examples.</summary>
    public const int ExampleCount = 5;

    /// <summary><see cref="WrongArm"/> over <see cref="Customers"/> (0 without rows).</summary>
    public double WrongArmShare => Customers == 0 ? 0 : (double)WrongArm / Customers;

    /// <summary><see cref="NotAssigned"/> over <see cref="Customers"/> (0 without rows).</summary>
    public double NotAssignedShare => Customers == 0 ? 0 : (double)NotAssigned / Customers;

    /// <summary><see cref="HoldoutExposed"/> over <see cref="HoldoutAssigned"/> (0 without assigned holdout customers).</summary>
    public double HoldoutExposedShare => HoldoutAssigned == 0 ? 0 : (double)HoldoutExposed / HoldoutAssigned;
}
