using LiftPipeline.Statistics.Audiences.Validation;

namespace LiftPipeline.Ingestion.Audiences;

/// <summary>
/// Customers as sorted <see cref="CustomerKey"/>s (a segment of a members file, less some arms): 8 bytes a customer, looked
/// up by binary search. Two ids share a key with probability below 3·10⁻⁶ among 10⁷ customers (docs/audiences.md).
/// </summary>
public sealed class CustomerKeySet : ICustomerSet
{
    private readonly ulong[] _keys;

    /// <summary>The set of <paramref name="sortedKeys"/>, which must be sorted ascending (as <see cref="SegmentMembers"/> holds them).</summary>
    /// <exception cref="ArgumentException">The keys are not sorted.</exception>
    public CustomerKeySet(ulong[] sortedKeys)
    {
        ArgumentNullException.ThrowIfNull(sortedKeys);
        for (int i = 1; i < sortedKeys.Length; i++)
        {
            if (sortedKeys[i] < sortedKeys[i - 1])
            {
                throw new ArgumentException("customer keys must be sorted ascending", nameof(sortedKeys));
            }
        }
        _keys = sortedKeys;
    }

    /// <summary>Customers in the set.</summary>
    public int Count => _keys.Length;

    /// <inheritdoc/>
    public bool Contains(ReadOnlySpan<byte> idUtf8) => Array.BinarySearch(_keys, CustomerKey.Of(idUtf8)) >= 0;
}
