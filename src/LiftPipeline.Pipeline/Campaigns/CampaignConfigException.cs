using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>One problem in a campaign.json: the JSON path of the field (<c>subscribers[1].url</c>, <c>$</c> for the document) and what to do.</summary>
public sealed record CampaignConfigError(string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// A campaign.json that cannot be used, with every problem found (not only the first). The message names the campaign,
/// the file and each field's JSON path, so whoever edits the file can fix them all in one go.
/// </summary>
public sealed class CampaignConfigException : Exception
{
    /// <summary>Creates the exception for <paramref name="campaign"/> with at least one error.</summary>
    /// <exception cref="ArgumentException"><paramref name="errors"/> is empty.</exception>
    public CampaignConfigException(string campaign, IReadOnlyList<CampaignConfigError> errors, Exception? inner = null)
        : base(Describe(campaign, errors), inner)
    {
        if (errors.Count == 0)
        {
            throw new ArgumentException("At least one error is required.", nameof(errors));
        }
        Campaign = campaign;
        Errors = errors;
    }

    /// <summary>The campaign id whose configuration was read.</summary>
    public string Campaign { get; }

    /// <summary>Every problem found, in document order.</summary>
    public IReadOnlyList<CampaignConfigError> Errors { get; }

    private static string Describe(string campaign, IReadOnlyList<CampaignConfigError> errors) =>
        $"{StoreLayout.CampaignConfigOf(campaign)} has {errors.Count} problem{(errors.Count == 1 ? "" : "s")}: {string.Join("; ", errors)}";
}
