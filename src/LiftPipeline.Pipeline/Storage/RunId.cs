namespace LiftPipeline.Pipeline.Storage;

/// <summary>
/// A run id, <c>[a-z0-9-]{1,64}</c> like a campaign id because it becomes a path segment (<c>reports/{campaign}/{runId}/</c>,
/// <c>runs/{runId}.json</c>); checked once where it enters. How runs are named is <c>RunIds</c>' business (Runs/).
/// <see cref="ToString"/> is the id.
/// </summary>
public readonly record struct RunId
{
    private readonly string? _value;

    private RunId(string value) => _value = value;

    /// <summary>The id text; empty only for <c>default(RunId)</c>, which no parse returns.</summary>
    public string Value => _value ?? "";

    /// <summary>Checks <paramref name="text"/> and wraps it.</summary>
    /// <exception cref="ObjectStoreException">Code <see cref="ObjectStoreException.InvalidName"/>: not <c>[a-z0-9-]{1,64}</c>.</exception>
    public static RunId Parse(string text) =>
        ObjectName.IsCampaignId(text) ? new RunId(text)
        : throw new ObjectStoreException(ObjectStoreException.InvalidName, text ?? "", "a run id is 1-64 characters of a-z, 0-9 and '-'");

    /// <summary><see cref="Parse"/> when <paramref name="text"/> is not null.</summary>
    /// <exception cref="ObjectStoreException">Code <see cref="ObjectStoreException.InvalidName"/>: not <c>[a-z0-9-]{1,64}</c>.</exception>
    public static RunId? ParseOptional(string? text) => text is null ? null : Parse(text);

    /// <summary>Like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string? text, out RunId id)
    {
        id = ObjectName.IsCampaignId(text) ? new RunId(text!) : default;
        return id._value is not null;
    }

    /// <summary>The id.</summary>
    public override string ToString() => Value;

    /// <summary>The id, where text is wanted (messages, JSON, report fields).</summary>
    public static implicit operator string(RunId id) => id.Value;
}
