using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using LiftPipeline.Statistics.Audiences;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// The published test vectors of the holdout hash (docs/audiences.md): literal buckets, and the same buckets computed
/// here from the definition with the platform's SHA-256, so the scheme and the vectors cannot drift apart.
/// </summary>
public sealed class HoldoutHashTests
{
    // (salt, customer_id, first 8 bytes of the digest in hex, bucket): the table in docs/audiences.md.
    public static TheoryData<string, string, string, int> Vectors => new()
    {
        { "spring-2026", "1", "4bc7c28596c9cfdd", 3005 },
        { "spring-2026", "42", "dee7bc6b9d5be21d", 461 },
        { "spring-2026", "customer-0001", "da9ca8d2ac056e25", 7941 },
        { "spring-2026", "Zoë-7", "24913d70fe95c361", 49 },
        { "layer-a", "1", "39e9ee9b4cc63fe8", 7672 },
        { "layer-a", "42", "b68b298730bbc476", 1206 },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Published_vector_gives_its_literal_bucket(string salt, string id, string prefix, int bucket)
    {
        Assert.Equal(Convert.ToUInt64(prefix, 16), HoldoutHash.Hash64(Encoding.UTF8.GetBytes(salt), Encoding.UTF8.GetBytes(id)));
        Assert.Equal(bucket, HoldoutHash.Bucket(salt, id));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Published_vector_follows_from_the_definition(string salt, string id, string prefix, int bucket)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(salt + "." + id));

        Assert.Equal(prefix, Convert.ToHexStringLower(digest.AsSpan(0, 8)));
        Assert.Equal(bucket, (int)(BinaryPrimitives.ReadUInt64BigEndian(digest) % 10_000));
    }

    [Fact]
    public void Ids_of_any_length_hash_as_the_definition_says()
    {
        var random = new Random(7);
        foreach (int length in new[] { 0, 1, 63, 64, 500, 511, 512, 4_000 })
        {
            var id = new string(Enumerable.Range(0, length).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray());
            byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes("s." + id));

            Assert.Equal((int)(BinaryPrimitives.ReadUInt64BigEndian(digest) % 10_000), HoldoutHash.Bucket("s", id));
        }
    }

    [Fact]
    public void Buckets_follow_cumulative_basis_points_in_the_order_given()
    {
        var allocation = BucketAllocation.FromShares([new("holdout", 0.1), new("vbo", 0.45), new("vbo_1p", 0.45)]);

        Assert.Equal([1_000, 4_500, 4_500], allocation.BasisPoints);
        Assert.Equal(0, allocation.ArmOf(0));
        Assert.Equal(0, allocation.ArmOf(999));
        Assert.Equal(1, allocation.ArmOf(1_000));
        Assert.Equal(1, allocation.ArmOf(5_499));
        Assert.Equal(2, allocation.ArmOf(5_500));
        Assert.Equal(2, allocation.ArmOf(9_999));
    }

    [Theory]
    [InlineData(0.1, 0.8, "sum to 0.9")]
    [InlineData(0.12345, 0.87655, "whole basis points")]
    [InlineData(0.0, 1.0, "strictly between 0 and 1")]
    public void Allocations_that_cannot_be_cut_into_buckets_are_refused(double first, double second, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => BucketAllocation.FromShares([new("holdout", first), new("vbo", second)]));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_test_in_a_layer_takes_only_its_range_and_a_salt_equal_to_the_layers_is_refused()
    {
        var allocation = BucketAllocation.FromShares([new("holdout", 0.5), new("vbo", 0.5)]);
        var assigner = new HoldoutAssigner("bargain-hunters", "spring-2026", allocation, new AudienceLayer("q2", "layer-a", 0, 5_000));

        // "1" has layer bucket 7672 (outside 0-5000); "42" has 1206 (inside) and bucket 461 under the test's salt (holdout).
        Assert.Equal(-1, assigner.ArmOf("1"u8));
        Assert.Equal(0, assigner.ArmOf("42"u8));
        Assert.Equal("sha256-be64-mod10000-v1:spring-2026", assigner.SaltVersion);
        Assert.Throws<ArgumentException>(() => new HoldoutAssigner("a", "layer-a", allocation, new AudienceLayer("q2", "layer-a", 0, 5_000)));
        Assert.Throws<ArgumentException>(() => new HoldoutAssigner("a", "s", allocation, new AudienceLayer("q2", "layer-a", 5_000, 5_000)));
    }
}
