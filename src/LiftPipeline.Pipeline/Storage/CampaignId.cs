namespace LiftPipeline.Pipeline.Storage;

/// <summary>
/// A campaign id, <c>[a-z0-9-]{1,64}</c>, checked once where it enters (a queue message, an object name, a command
/// line) so everything downstream can put it in a path without checking again. <see cref="ToString"/> is the id.
/// </summary>
public readonly record struct CampaignId
{
    private readonly string? _value;

    private CampaignId(string value) => _value = value;

    /// <summary>The id text; empty only for <c>default(CampaignId)</c>, which no parse returns.</summary>
    public string Value => _value ?? "";

    /// <summary>Checks <paramref name="text"/> and wraps it.</summary>
    /// <exception cref="ObjectStoreException">Code <see cref="ObjectStoreException.InvalidName"/>: not <c>[a-z0-9-]{1,64}</c>.</exception>
    public static CampaignId Parse(string text) => new(ObjectName.ValidateCampaign(text));

    /// <summary>Like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string? text, out CampaignId id)
    {
        id = ObjectName.IsCampaignId(text) ? new CampaignId(text!) : default;
        return id._value is not null;
    }

    /// <summary>The id.</summary>
    public override string ToString() => Value;

    /// <summary>The id, where text is wanted (messages, JSON, report fields).</summary>
    public static implicit operator string(CampaignId id) => id.Value;
}
