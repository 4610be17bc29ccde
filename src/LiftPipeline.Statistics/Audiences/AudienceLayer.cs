namespace LiftPipeline.Statistics.Audiences;

/// <summary>
/// A place in a layer of mutually exclusive tests: the layer's own salt hashes each customer to a layer bucket, and a test
/// takes only the customers whose layer bucket lies in its range [<see cref="From"/>, <see cref="To"/>). Tests of one layer
/// are given ranges that do not overlap, so no customer can be in two of them; a customer's arm within a test comes from
/// the test's own salt, independent of the layer bucket. Immutable.
/// </summary>
/// <param name="Name">The layer's name, written with every assignment row.</param>
/// <param name="Salt">The layer's salt, shared by every test of the layer and by no other layer or test.</param>
/// <param name="From">First layer bucket of this test's range (0 to 9,999).</param>
/// <param name="To">One past the last layer bucket of this test's range (1 to 10,000, more than <paramref name="From"/>).</param>
public sealed record AudienceLayer(string Name, string Salt, int From, int To)
{
    /// <summary>The range's share of all customers.</summary>
    public double Share => (To - From) / (double)HoldoutHash.Buckets;

    /// <summary>True when <paramref name="layerBucket"/> falls in this test's range.</summary>
    public bool Holds(int layerBucket) => layerBucket >= From && layerBucket < To;

    /// <summary>True when this range and <paramref name="other"/>'s share a bucket of the same layer (same name and salt).</summary>
    public bool Overlaps(AudienceLayer other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Name, other.Name, StringComparison.Ordinal) && string.Equals(Salt, other.Salt, StringComparison.Ordinal)
            && From < other.To && other.From < To;
    }

    /// <summary>Checks the name, salt and range.</summary>
    /// <exception cref="ArgumentException">An empty name or salt, or a range outside 0–10,000 or empty.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || string.IsNullOrEmpty(Salt))
        {
            throw new ArgumentException("a layer needs a name and a salt");
        }
        if (From < 0 || To > HoldoutHash.Buckets || From >= To)
        {
            throw new ArgumentException($"layer '{Name}' range {From}-{To} is not a range of buckets; give FROM-TO with 0 <= FROM < TO <= {HoldoutHash.Buckets}");
        }
    }
}
