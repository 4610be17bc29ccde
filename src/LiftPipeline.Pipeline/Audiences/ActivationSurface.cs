namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// An ad platform's customer-list upload: the CSV header its uploader reads as hashed email and phone, how it wants phones
/// before hashing, and the fewest users it will target (an audience below it is suppressed, not written). Immutable.
/// </summary>
/// <param name="Name">The surface's name in paths and messages: <c>meta</c>, <c>google</c>, <c>tiktok</c>.</param>
/// <param name="Title">The platform's name for people.</param>
/// <param name="EmailHeader">The header of the hashed-email column.</param>
/// <param name="PhoneHeader">The header of the hashed-phone column.</param>
/// <param name="Phones">How phones are normalised before hashing.</param>
/// <param name="Minimum">The fewest users the platform targets; fewer customers with a contact suppress the file.</param>
public sealed record ActivationSurface(string Name, string Title, string EmailHeader, string PhoneHeader, PhoneFormat Phones, int Minimum)
{
    /// <summary>Meta custom audience customer list: <c>email,phone</c>, phone digits with country code, at least 100 matched users.</summary>
    public static ActivationSurface Meta { get; } = new("meta", "Meta", "email", "phone", PhoneFormat.Digits, 100);

    /// <summary>Google Customer Match: <c>Email,Phone</c>, phone E.164 with <c>+</c>, at least 100 active users.</summary>
    public static ActivationSurface Google { get; } = new("google", "Google", "Email", "Phone", PhoneFormat.E164, 100);

    /// <summary>TikTok customer file: <c>Email_SHA256,Phone_SHA256</c>, phone digits with country code, at least 1,000 users.</summary>
    public static ActivationSurface TikTok { get; } = new("tiktok", "TikTok", "Email_SHA256", "Phone_SHA256", PhoneFormat.Digits, 1_000);

    /// <summary>Every surface, in a stable order.</summary>
    public static IReadOnlyList<ActivationSurface> All { get; } = [Meta, Google, TikTok];

    /// <summary>The surface named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ActivationSurface? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
