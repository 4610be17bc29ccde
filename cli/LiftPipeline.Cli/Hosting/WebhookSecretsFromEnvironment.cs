using System.Collections;

namespace LiftPipeline.Cli.Hosting;

/// <summary>
/// Webhook signing secrets for the local commands, read from environment variables
/// <c>LIFT_WEBHOOK_SECRET_{SECRETNAME}</c>: a subscriber's <c>secretName</c> upper-cased with '-' turned into '_'
/// (<c>growth-hook</c> → <c>LIFT_WEBHOOK_SECRET_GROWTH_HOOK</c>). Secrets never come from files or arguments.
/// </summary>
internal static class WebhookSecretsFromEnvironment
{
    /// <summary>The prefix of the variables read.</summary>
    public const string Prefix = "LIFT_WEBHOOK_SECRET_";

    /// <summary>The variable that holds the secret called <paramref name="secretName"/>.</summary>
    public static string VariableName(string secretName) => Prefix + Normalize(secretName);

    /// <summary>
    /// A dictionary keyed by secret name holding every <c>LIFT_WEBHOOK_SECRET_*</c> variable of
    /// <paramref name="environment"/>; look-ups normalise the name the same way, so <c>growth-hook</c> finds
    /// <c>LIFT_WEBHOOK_SECRET_GROWTH_HOOK</c>. Empty values are left out.
    /// </summary>
    public static Dictionary<string, string> Read(IDictionary environment)
    {
        var secrets = new Dictionary<string, string>(NormalizedName.Instance);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string key && key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
                && key.Length > Prefix.Length && entry.Value is string { Length: > 0 } value)
            {
                secrets[key[Prefix.Length..]] = value;
            }
        }
        return secrets;
    }

    private static string Normalize(string name) => name.ToUpperInvariant().Replace('-', '_');

    /// <summary>Compares secret names as their variable names do: case-insensitively, '-' equal to '_'.</summary>
    private sealed class NormalizedName : IEqualityComparer<string>
    {
        public static readonly NormalizedName Instance = new();

        public bool Equals(string? x, string? y) =>
            x is null || y is null ? ReferenceEquals(x, y) : string.Equals(Normalize(x), Normalize(y), StringComparison.Ordinal);

        public int GetHashCode(string obj) => StringComparer.Ordinal.GetHashCode(Normalize(obj));
    }
}
