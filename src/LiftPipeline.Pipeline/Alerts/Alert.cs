using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Alerts;

/// <summary>How serious a guardrail alert is: a warning to look at, or a breach that invalidates the read-out.</summary>
public enum AlertSeverity
{
    /// <summary>The guardrail warns; the result stands but deserves a look.</summary>
    Warn,

    /// <summary>The guardrail is breached; the result should not be acted on.</summary>
    Breach,
}

/// <summary>
/// A guardrail finding raised by one run for one campaign (or a portfolio digest, <see cref="DigestGuardrail"/>): stored under <see cref="StoragePath"/> and delivered to each
/// subscriber's webhook. <see cref="Id"/> is deterministic (see <see cref="CreateId"/>), so reprocessing the same input
/// raises an alert with the same id, which storage and delivery treat as the same alert.
/// </summary>
/// <param name="Id">32 lowercase hex characters from <see cref="CreateId"/>.</param>
/// <param name="Campaign">Campaign id (<c>[a-z0-9-]{1,64}</c>).</param>
/// <param name="Guardrail">Guardrail name, e.g. <c>srm</c> or <c>pre-fit</c>.</param>
/// <param name="Severity">Warn or breach.</param>
/// <param name="Message">What went wrong, for people.</param>
/// <param name="Evidence">The numbers behind the finding (e.g. <c>p_value</c>, <c>expected_share</c>).</param>
/// <param name="RaisedAt">When the run raised it (from the injected clock); also picks the storage day.</param>
/// <param name="RunId">The run that raised it.</param>
/// <param name="ReportPath">The report object the alert refers to, when there is one.</param>
public sealed record Alert(
    string Id,
    CampaignId Campaign,
    string Guardrail,
    AlertSeverity Severity,
    string Message,
    IReadOnlyDictionary<string, double> Evidence,
    DateTimeOffset RaisedAt,
    RunId RunId,
    string? ReportPath = null)
{
    /// <summary>
    /// The guardrail name of a portfolio digest (docs/decisions.md, "Portfolio digest"): delivered through the same outbox
    /// to the campaign's subscribers whose delivery is <c>digest</c>, and to no other.
    /// </summary>
    public const string DigestGuardrail = "digest";

    /// <summary>For a <see cref="DigestGuardrail"/> alert: the digest document sent in the payload's <c>digest</c> field; null (and absent from the JSON) otherwise.</summary>
    public JsonElement? Digest { get; init; }

    /// <summary>True for a portfolio digest rather than a guardrail finding.</summary>
    public bool IsDigest => Guardrail == DigestGuardrail;

    /// <summary>
    /// The alert id for <paramref name="guardrail"/> on <paramref name="campaign"/> given the run's input identity
    /// (the dataset ETag, or the export name that triggered it) and the kind of finding (e.g. <c>late</c>, or a rejected
    /// export's error codes): the first 16 bytes of SHA-256 over the four values, as lowercase hex. The same four values
    /// always give the same id (reprocessing raises the same alert); changing any one gives another, so a second breach of
    /// a different kind on the same input is a new alert.
    /// </summary>
    /// <exception cref="ArgumentException">A value is empty.</exception>
    public static string CreateId(CampaignId campaign, string guardrail, string inputIdentity, string finding)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaign.Value, nameof(campaign));
        ArgumentException.ThrowIfNullOrEmpty(guardrail);
        ArgumentException.ThrowIfNullOrEmpty(inputIdentity);
        ArgumentException.ThrowIfNullOrEmpty(finding);
        // Length-prefixed fields, so ("a", "bc") and ("ab", "c") cannot collide.
        var text = $"lift-alert/2\n{campaign.Value.Length}:{campaign}\n{guardrail.Length}:{guardrail}\n{inputIdentity.Length}:{inputIdentity}\n{finding.Length}:{finding}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>Where the alert is stored: <c>alerts/{yyyy}/{MM}/{dd}/{Id}.json</c>, the day of <see cref="RaisedAt"/> in UTC.</summary>
    public string StoragePath => StoreLayout.Alert(Id, RaisedAt);
}
