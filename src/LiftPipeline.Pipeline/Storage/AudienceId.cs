namespace LiftPipeline.Pipeline.Storage;

/// <summary>
/// An audience id, <c>[a-z0-9-]{1,64}</c> like a campaign id because it becomes a path segment
/// (<c>audiences/{audience}/</c>, <c>activations/{audience}/</c>); checked once where it enters. <see cref="ToString"/> is the id.
/// </summary>
public readonly record struct AudienceId
{
    private readonly string? _value;

    private AudienceId(string value) => _value = value;

    /// <summary>The id text; empty only for <c>default(AudienceId)</c>, which no parse returns.</summary>
    public string Value => _value ?? "";

    /// <summary>Checks <paramref name="text"/> and wraps it.</summary>
    /// <exception cref="ObjectStoreException">Code <see cref="ObjectStoreException.InvalidName"/>: not <c>[a-z0-9-]{1,64}</c>.</exception>
    public static AudienceId Parse(string text) =>
        ObjectName.IsCampaignId(text) ? new AudienceId(text)
        : throw new ObjectStoreException(ObjectStoreException.InvalidName, text ?? "", "an audience id is 1-64 characters of a-z, 0-9 and '-'");

    /// <summary>Like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string? text, out AudienceId id)
    {
        id = ObjectName.IsCampaignId(text) ? new AudienceId(text!) : default;
        return id._value is not null;
    }

    /// <summary>The id.</summary>
    public override string ToString() => Value;

    /// <summary>The id, where text is wanted (messages, JSON, report fields).</summary>
    public static implicit operator string(AudienceId id) => id.Value;
}
