namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>
/// A webhook address as it may be shown (logs, messages, run summaries): scheme, host, port and path, with any
/// user name and password replaced by <c>***@</c> and any query (where signing tokens often live) by <c>?***</c>.
/// </summary>
public static class SubscriberUrl
{
    /// <summary>The printable form of <paramref name="url"/>.</summary>
    public static string Redact(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri)
        {
            return Redact(url.OriginalString);
        }
        var userInfo = url.UserInfo.Length > 0 ? "***@" : "";
        var query = url.Query.Length > 0 ? "?***" : "";
        return $"{url.Scheme}://{userInfo}{url.Authority}{url.AbsolutePath}{query}";
    }

    /// <summary>The printable form of <paramref name="text"/>, which need not parse as a URL (a mistyped campaign.json value).</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = text.IndexOf("//", StringComparison.Ordinal);
        var hostStart = start < 0 ? 0 : start + 2;
        var pathStart = text.IndexOfAny(['/', '?', '#'], hostStart);
        var authorityEnd = pathStart < 0 ? text.Length : pathStart;
        var at = text.LastIndexOf('@', authorityEnd - 1, authorityEnd - hostStart);
        var result = at < 0 ? text : string.Concat(text.AsSpan(0, hostStart), "***", text.AsSpan(at));
        var question = result.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? result : result[..question] + "?***";
    }
}
