using LiftPipeline.Statistics.Audiences;

namespace LiftPipeline.Ingestion.Audiences;

/// <summary>
/// The arm of every customer of an assignment file, by <see cref="Statistics.Audiences.Validation.CustomerKey"/>: sorted
/// keys and the arm of each (9 bytes a customer), with the planned split when the file records it. Immutable once read.
/// </summary>
public sealed class AssignmentArms
{
    private readonly ulong[] _keys;
    private readonly byte[] _arms;

    internal AssignmentArms(IReadOnlyList<string> arms, ulong[] keys, byte[] armCodes, BucketAllocation? plan)
    {
        Arms = arms;
        _keys = keys;
        _arms = armCodes;
        Plan = plan;
    }

    /// <summary>Arm names: the planned allocation's order when the file records it, else ordinal order.</summary>
    public IReadOnlyList<string> Arms { get; }

    /// <summary>The planned split from <see cref="HoldoutAssignmentWriter.AllocationKey"/>, or null when the file has none.</summary>
    public BucketAllocation? Plan { get; }

    /// <summary>Distinct customers assigned.</summary>
    public int Count => _keys.Length;

    /// <summary>The index in <see cref="Arms"/> of the arm of the customer with key <paramref name="key"/>, or -1 when not assigned.</summary>
    public int ArmOf(ulong key)
    {
        int at = Array.BinarySearch(_keys, key);
        return at < 0 ? -1 : _arms[at];
    }
}
