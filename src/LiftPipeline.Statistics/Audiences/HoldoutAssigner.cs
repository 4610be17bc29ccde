using System.Text;

namespace LiftPipeline.Statistics.Audiences;

/// <summary>
/// Assigns customers of one audience to the arms of one holdout test: with a layer, only customers whose layer bucket
/// falls in the test's range take part (<see cref="AudienceLayer"/>); a taking-part customer's arm is the one that holds
/// their bucket under the test's salt (<see cref="HoldoutHash"/>, <see cref="BucketAllocation"/>). Immutable and
/// thread-safe; allocates nothing per customer for ids up to a few hundred bytes.
/// </summary>
public sealed class HoldoutAssigner
{
    private readonly byte[] _salt;
    private readonly byte[]? _layerSalt;

    /// <summary>Creates the assigner of <paramref name="audience"/> under <paramref name="salt"/>, optionally in <paramref name="layer"/>.</summary>
    /// <exception cref="ArgumentException">An empty audience or salt, a salt equal to the layer's salt, or an invalid layer.</exception>
    public HoldoutAssigner(string audience, string salt, BucketAllocation allocation, AudienceLayer? layer = null)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        if (string.IsNullOrWhiteSpace(audience) || string.IsNullOrEmpty(salt))
        {
            throw new ArgumentException("an assignment needs an audience name and a salt");
        }
        layer?.Validate();
        if (layer is not null && string.Equals(layer.Salt, salt, StringComparison.Ordinal))
        {
            // With one salt the layer range and the arms would cut the same buckets: arms would not be random within the range.
            throw new ArgumentException($"the test's salt equals layer '{layer.Name}''s salt; give the test a salt of its own");
        }
        Audience = audience;
        Salt = salt;
        Allocation = allocation;
        Layer = layer;
        _salt = Encoding.UTF8.GetBytes(salt);
        _layerSalt = layer is null ? null : Encoding.UTF8.GetBytes(layer.Salt);
    }

    /// <summary>The audience the test runs on.</summary>
    public string Audience { get; }

    /// <summary>The test's salt: a new one for every independent holdout.</summary>
    public string Salt { get; }

    /// <summary>The arms and their bucket shares.</summary>
    public BucketAllocation Allocation { get; }

    /// <summary>The layer and range the test occupies, or null when the test is not in a layer.</summary>
    public AudienceLayer? Layer { get; }

    /// <summary>What each assignment row stores to say how it was made: the hash version and the salt.</summary>
    public string SaltVersion => $"{HoldoutHash.Version}:{Salt}";

    /// <summary>The arm index of the customer <paramref name="id"/> (UTF-8), or -1 when the layer puts them in another test.</summary>
    public int ArmOf(ReadOnlySpan<byte> id)
    {
        if (_layerSalt is not null && !Layer!.Holds(HoldoutHash.Bucket(_layerSalt, id)))
        {
            return -1;
        }
        return Allocation.ArmOf(HoldoutHash.Bucket(_salt, id));
    }
}
