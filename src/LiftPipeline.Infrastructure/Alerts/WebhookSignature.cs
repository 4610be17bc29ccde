using System.Security.Cryptography;
using System.Text;

namespace LiftPipeline.Infrastructure.Alerts;

/// <summary>
/// The <c>X-Lift-Signature</c> header: <c>sha256=</c> followed by the lowercase hex HMAC-SHA256, keyed with the
/// subscriber's secret (UTF-8), of the UTF-8 bytes of <c>{timestamp}.</c> followed by the raw request body.
/// <c>{timestamp}</c> is the <c>X-Lift-Timestamp</c> header verbatim (Unix seconds). Thread-safe.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header value's prefix.</summary>
    public const string Prefix = "sha256=";

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(timestamp);
        return Prefix + Convert.ToHexStringLower(Mac(secret, timestamp, body));
    }

    /// <summary>
    /// True when <paramref name="header"/> is the signature of <paramref name="body"/> at <paramref name="timestamp"/>
    /// under <paramref name="secret"/>; compares in constant time. Receivers should also reject stale timestamps.
    /// </summary>
    public static bool Verify(string secret, string timestamp, ReadOnlySpan<byte> body, string? header)
    {
        if (string.IsNullOrEmpty(secret) || timestamp is null || header is null || !header.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(given, Mac(secret, timestamp, body));
    }

    /// <summary>
    /// <see cref="Verify(string, string, ReadOnlySpan{byte}, string?)"/>, and also false unless the timestamp (Unix
    /// seconds) is within <paramref name="tolerance"/> of <paramref name="now"/> — the replay check receivers should make.
    /// </summary>
    public static bool Verify(string secret, string timestamp, ReadOnlySpan<byte> body, string? header, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long seconds)
            || Math.Abs((double)seconds - now.ToUnixTimeSeconds()) > tolerance.TotalSeconds)
        {
            return false;
        }
        return Verify(secret, timestamp, body, header);
    }

    private static byte[] Mac(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
