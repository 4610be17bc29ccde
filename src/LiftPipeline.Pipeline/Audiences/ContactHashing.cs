using System.Security.Cryptography;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// Normalises raw contacts the way the ad platforms match them, and hashes them: an email trimmed and lower-cased; a
/// phone as its digits with the country code (Meta, TikTok) or E.164 with a leading <c>+</c> (Google); SHA-256 as 64
/// lower-case hex digits. Works on UTF-8 bytes in caller buffers and allocates nothing. Thread-safe (no state).
/// </summary>
public static class ContactHashing
{
    /// <summary>Bytes of a SHA-256 digest written as lower-case hex.</summary>
    public const int HexLength = 64;

    /// <summary>Most digits of an E.164 number (country code included).</summary>
    public const int MaxPhoneDigits = 15;

    /// <summary>Fewest digits (country code included) accepted as a phone number.</summary>
    public const int MinPhoneDigits = 7;

    /// <summary>
    /// Writes <paramref name="raw"/> trimmed of white space and with ASCII letters lower-cased into <paramref name="normalised"/>;
    /// returns its length, or -1 when it is not an address (no single <c>@</c> with text both sides, or inner white space).
    /// </summary>
    public static int NormaliseEmail(ReadOnlySpan<byte> raw, Span<byte> normalised)
    {
        var email = raw.Trim(" \t\r\n\f\v"u8);
        int at = email.IndexOf((byte)'@');
        if (email.Length > normalised.Length || at <= 0 || at == email.Length - 1 || email[(at + 1)..].Contains((byte)'@')
            || email.IndexOfAny(" \t\r\n\f\v"u8) >= 0)
        {
            return -1;
        }
        for (int i = 0; i < email.Length; i++)
        {
            byte b = email[i];
            normalised[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
        }
        return email.Length;
    }

    /// <summary>
    /// Writes the digits of <paramref name="raw"/> with its country code, no <c>+</c>, into <paramref name="digits"/> and returns
    /// their count, or -1 when it is not a phone number. International numbers start with <c>+</c> or <c>00</c>; any other is
    /// national and takes <paramref name="defaultCountryCode"/> (digits; its leading trunk 0 dropped), or is refused when that
    /// is empty. Spaces, dots, dashes, slashes and parentheses are ignored; any other character makes it not a number.
    /// </summary>
    public static int NormalisePhone(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> defaultCountryCode, Span<byte> digits)
    {
        var phone = raw.Trim(" \t\r\n\f\v"u8);
        bool international = !phone.IsEmpty && phone[0] == (byte)'+';
        Span<byte> national = stackalloc byte[32];
        int count = 0;
        for (int i = international ? 1 : 0; i < phone.Length; i++)
        {
            byte b = phone[i];
            if (b is >= (byte)'0' and <= (byte)'9')
            {
                if (count == national.Length)
                {
                    return -1;
                }
                national[count++] = b;
            }
            else if (b is not ((byte)' ' or (byte)'.' or (byte)'-' or (byte)'/' or (byte)'(' or (byte)')'))
            {
                return -1;
            }
        }
        var number = national[..count];
        if (!international && number.StartsWith("00"u8))
        {
            international = true;
            number = number[2..];
        }
        int length;
        if (international)
        {
            length = number.Length;
            if (length > digits.Length)
            {
                return -1;
            }
            number.CopyTo(digits);
        }
        else
        {
            if (defaultCountryCode.IsEmpty)
            {
                return -1;
            }
            var trunk = number.StartsWith("0"u8) ? number[1..] : number;
            length = defaultCountryCode.Length + trunk.Length;
            if (length > digits.Length)
            {
                return -1;
            }
            defaultCountryCode.CopyTo(digits);
            trunk.CopyTo(digits[defaultCountryCode.Length..]);
        }
        return length is >= MinPhoneDigits and <= MaxPhoneDigits && digits[0] != (byte)'0' ? length : -1;
    }

    /// <summary>Writes SHA-256(<paramref name="value"/>) as 64 lower-case hex digits (ASCII) into <paramref name="hex"/>.</summary>
    public static void Sha256Hex(ReadOnlySpan<byte> value, Span<byte> hex)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(value, digest);
        for (int i = 0; i < digest.Length; i++)
        {
            hex[2 * i] = Hex(digest[i] >> 4);
            hex[2 * i + 1] = Hex(digest[i] & 0xF);
        }
    }

    /// <summary>The activation hash of a raw email, or null when it is not an address (convenience for tests and tools).</summary>
    public static string? HashEmail(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        Span<byte> normalised = stackalloc byte[System.Text.Encoding.UTF8.GetMaxByteCount(raw.Length)];
        int length = NormaliseEmail(System.Text.Encoding.UTF8.GetBytes(raw), normalised);
        return length < 0 ? null : HexString(normalised[..length]);
    }

    /// <summary>The activation hash of a raw phone for <paramref name="format"/>, or null when it is not a number.</summary>
    public static string? HashPhone(string raw, PhoneFormat format, string defaultCountryCode = "")
    {
        ArgumentNullException.ThrowIfNull(raw);
        Span<byte> digits = stackalloc byte[MaxPhoneDigits + 1];
        int length = NormalisePhone(System.Text.Encoding.UTF8.GetBytes(raw), System.Text.Encoding.ASCII.GetBytes(defaultCountryCode), digits[1..]);
        if (length < 0)
        {
            return null;
        }
        digits[0] = (byte)'+';
        return HexString(format == PhoneFormat.E164 ? digits[..(length + 1)] : digits.Slice(1, length));
    }

    private static string HexString(ReadOnlySpan<byte> value)
    {
        Span<byte> hex = stackalloc byte[HexLength];
        Sha256Hex(value, hex);
        return System.Text.Encoding.ASCII.GetString(hex);
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}

/// <summary>How a surface wants phone numbers before hashing.</summary>
public enum PhoneFormat
{
    /// <summary>Country code and number as digits, no <c>+</c> (Meta, TikTok): <c>16505550101</c>.</summary>
    Digits,

    /// <summary>E.164 with its <c>+</c> (Google): <c>+16505550101</c>.</summary>
    E164,
}
