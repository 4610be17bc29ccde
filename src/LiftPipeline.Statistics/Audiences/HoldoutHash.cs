using System.Buffers.Binary;
using System.Security.Cryptography;

namespace LiftPipeline.Statistics.Audiences;

/// <summary>
/// The salted hash behind every holdout assignment (hash version <see cref="Version"/>): SHA-256 of the UTF-8 bytes of
/// <c>salt + "." + customer_id</c>, its first 8 bytes read as a big-endian unsigned integer, modulo <see cref="Buckets"/>.
/// The same id and salt give the same bucket on every machine, in every language that has SHA-256, forever.
/// Thread-safe (no state).
/// </summary>
public static class HoldoutHash
{
    /// <summary>Buckets of the hash: one bucket is one basis point (0.01 %) of the customers.</summary>
    public const int Buckets = 10_000;

    /// <summary>The hash scheme's name, stored with every assignment so a later scheme can never be confused with it.</summary>
    public const string Version = "sha256-be64-mod10000-v1";

    /// <summary>Longest <c>salt + "." + id</c> in bytes hashed without a heap buffer.</summary>
    private const int StackBytes = 512;

    /// <summary>The first 8 bytes of SHA-256(<paramref name="salt"/> "." <paramref name="id"/>), big-endian; both arguments UTF-8.</summary>
    public static ulong Hash64(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> id)
    {
        int length = salt.Length + 1 + id.Length;
        Span<byte> message = length <= StackBytes ? stackalloc byte[length] : new byte[length];
        salt.CopyTo(message);
        message[salt.Length] = (byte)'.';
        id.CopyTo(message[(salt.Length + 1)..]);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(message, digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }

    /// <summary>The bucket, 0 to 9,999, of the customer <paramref name="id"/> (UTF-8) under <paramref name="salt"/> (UTF-8).</summary>
    public static int Bucket(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> id) => (int)(Hash64(salt, id) % Buckets);

    /// <summary>The bucket of <paramref name="id"/> under <paramref name="salt"/>, both given as text (encoded as UTF-8).</summary>
    public static int Bucket(string salt, string id)
    {
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(id);
        return Bucket(System.Text.Encoding.UTF8.GetBytes(salt), System.Text.Encoding.UTF8.GetBytes(id));
    }
}
