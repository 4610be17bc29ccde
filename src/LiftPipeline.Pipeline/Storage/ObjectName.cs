using System.Text.RegularExpressions;

namespace LiftPipeline.Pipeline.Storage;

/// <summary>
/// Object names and campaign ids, checked before they touch a path or a storage call: campaign ids are
/// <c>[a-z0-9-]{1,64}</c>; names are '/'-separated segments of letters, digits, '.', '-', '_' (and spaces inside a
/// segment), never empty, '.' or '..', at most 1,024 characters.
/// </summary>
public static partial class ObjectName
{
    private const int MaxLength = 1024;

    /// <summary>Throws <see cref="ObjectStoreException"/> (<see cref="ObjectStoreException.InvalidName"/>) unless <paramref name="name"/> is a safe object name.</summary>
    public static string Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            throw Invalid(name ?? "", $"object names are 1 to {MaxLength} characters");
        }
        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == ".." || !SegmentPattern().IsMatch(segment) || segment != segment.Trim())
            {
                throw Invalid(name, $"segment '{segment}' is not allowed (letters, digits, '.', '-', '_' and inner spaces; no empty, '.' or '..' segments)");
            }
        }
        return name;
    }

    /// <summary>True when <paramref name="name"/> passes <see cref="Validate"/>; for listings, which may show names the pipeline never wrote.</summary>
    public static bool IsValid(string? name)
    {
        try
        {
            Validate(name!);
            return true;
        }
        catch (ObjectStoreException)
        {
            return false;
        }
    }

    /// <summary>Throws <see cref="ObjectStoreException"/> unless <paramref name="campaign"/> matches <c>[a-z0-9-]{1,64}</c>.</summary>
    public static string ValidateCampaign(string campaign)
    {
        if (string.IsNullOrEmpty(campaign) || !CampaignPattern().IsMatch(campaign))
        {
            throw Invalid(campaign ?? "", "campaign ids are 1 to 64 characters of a-z, 0-9 and '-'");
        }
        return campaign;
    }

    /// <summary>True when <paramref name="text"/> matches <c>[a-z0-9-]{1,64}</c> (campaign and run ids).</summary>
    public static bool IsCampaignId(string? text) => !string.IsNullOrEmpty(text) && CampaignPattern().IsMatch(text);

    private static ObjectStoreException Invalid(string name, string why) => new(ObjectStoreException.InvalidName, name, why);

    [GeneratedRegex("^[A-Za-z0-9._ -]+$")]
    private static partial Regex SegmentPattern();

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex CampaignPattern();
}
