namespace LiftPipeline.Ingestion.Audiences;

/// <summary>What a holdout assignment pass did: customers read, customers another test of the layer holds, and each arm's count.</summary>
/// <param name="Customers">Rows of the customers export.</param>
/// <param name="OutsideLayerRange">Customers whose layer bucket belongs to another test of the layer (not written).</param>
/// <param name="Arms">Arm names in allocation order.</param>
/// <param name="Counts">Customers written per arm, in <paramref name="Arms"/> order.</param>
public sealed record AssignmentSummary(long Customers, long OutsideLayerRange, IReadOnlyList<string> Arms, IReadOnlyList<long> Counts);
